namespace Castellan.Validation.Contracts;

/// <summary>
/// What an email method sent: the challenge id to complete it with (<see cref="IValidationAuthority.ValidateAsync"/>
/// with the same method, Token = <see cref="ChallengeId"/>, ExpectedValue = the value the applicant received) and to
/// whom. The value itself never leaves the validation authority except in the email.
/// </summary>
public sealed record EmailChallengeSent(string ChallengeId, Identifier Identifier, ValidationMethod Method, IReadOnlyList<string> Recipients, DateTimeOffset ExpiresAt);

/// <summary>
/// The email methods' first half (BR 3.2.2.4.4 constructed addresses, .13 CAA contactemail, .14 TXT contact): send a
/// fresh 128-bit random value, valid <see cref="ValidationOptions.EmailValueLifetime"/>. Callers: the RA's domains and
/// order DCV. The applicant submits the value back through <see cref="IValidationAuthority.ValidateAsync"/>.
/// </summary>
public interface IEmailValidation
{
    /// <summary>Sends a new value for <paramref name="method"/> (ConstructedEmail, CaaContactEmail or TxtContactEmail).</summary>
    Task<Result<EmailChallengeSent>> SendAsync(Identifier identifier, ValidationMethod method, string? accountId, CancellationToken ct);

    /// <summary>Sends a new value for an unused challenge; the old value stops working and the 24 hours start again.</summary>
    Task<Result<EmailChallengeSent>> ResendAsync(string challengeId, CancellationToken ct);
}
