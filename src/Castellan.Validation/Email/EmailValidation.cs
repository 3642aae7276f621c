using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using Castellan.Validation.Caa;
using Castellan.Validation.Contracts;
using Castellan.Validation.Perspectives;
using Microsoft.Extensions.Options;

namespace Castellan.Validation.Email;

/// <summary>
/// The email methods. BR 3.2.2.4.4: a random value to admin@, administrator@, webmaster@, hostmaster@ and postmaster@
/// the Authorization Domain Name; BR 3.2.2.4.13: to the contactemail of the Relevant CAA RRset; BR 3.2.2.4.14: to the
/// addresses in TXT _validation-contactemail.NAME. The value is 128 CSPRNG bits, valid 24 hours, single use; only its
/// hash is stored.
/// </summary>
internal sealed class EmailValidation(
    IEmailChallengeStore challenges,
    IValidationMailer mailer,
    PerspectiveSet perspectives,
    IOptions<ValidationOptions> options,
    TimeProvider time) : IEmailValidation
{
    public static readonly string[] ConstructedLocalParts = ["admin", "administrator", "webmaster", "hostmaster", "postmaster"];

    public async Task<Result<EmailChallengeSent>> SendAsync(Identifier identifier, ValidationMethod method, string? accountId, CancellationToken ct)
    {
        if (method is not (ValidationMethod.ConstructedEmail or ValidationMethod.CaaContactEmail or ValidationMethod.TxtContactEmail))
            return new MalformedInput($"{method} is not an email method");
        if (identifier.Type != IdentifierType.Dns) return new MalformedInput("email methods validate DNS names only");
        var recipients = await RecipientsAsync(identifier, method, ct);
        if (recipients.IsError) return recipients.Error;
        var now = time.GetUtcNow();
        var value = RandomValues.New();
        var challenge = new EmailChallenge("ech_" + Guid.NewGuid().ToString("N"), accountId, identifier, method, recipients.Value,
            RandomValues.Hash(value), now, now + options.Value.EmailValueLifetime, 1, null);
        await challenges.AddAsync(challenge, ct);
        var sent = await SendValueAsync(challenge, value, ct);
        return sent ?? (Result<EmailChallengeSent>)ToSent(challenge);
    }

    public async Task<Result<EmailChallengeSent>> ResendAsync(string challengeId, CancellationToken ct)
    {
        var challenge = await challenges.GetAsync(challengeId, ct);
        if (challenge is null) return new NotFound("email challenge", $"email challenge '{challengeId}' does not exist");
        if (challenge.UsedAt is not null) return new Conflict("the emailed value was already used");
        var value = RandomValues.New();
        var expires = time.GetUtcNow() + options.Value.EmailValueLifetime;
        if (!await challenges.RenewAsync(challengeId, RandomValues.Hash(value), expires, ct)) return new Conflict("the emailed value was already used");
        var renewed = challenge with { ExpiresAt = expires, Sends = challenge.Sends + 1 };
        var sent = await SendValueAsync(renewed, value, ct);
        return sent ?? (Result<EmailChallengeSent>)ToSent(renewed);
    }

    /// <summary>The applicant submitted <see cref="ValidationRequest.ExpectedValue"/> for challenge <see cref="ValidationRequest.Token"/>.</summary>
    public async Task<Result<string>> CompleteAsync(ValidationRequest request, CancellationToken ct)
    {
        var id = request.Identifier;
        var challenge = await challenges.GetAsync(request.Token, ct);
        if (challenge is null || challenge.Identifier != id || challenge.Method != request.Method
            || (request.AccountId is not null && challenge.AccountId is not null && challenge.AccountId != request.AccountId))
            return new ValidationFailed(id, ValidationFailureKind.IncorrectResponse, "no such email challenge for this name");
        if (challenge.UsedAt is not null) return new ValidationFailed(id, ValidationFailureKind.IncorrectResponse, "the emailed value was already used");
        if (time.GetUtcNow() >= challenge.ExpiresAt) return new ValidationFailed(id, ValidationFailureKind.IncorrectResponse, "the emailed value has expired; ask for a new one");
        var submitted = Encoding.ASCII.GetBytes(RandomValues.Hash(request.ExpectedValue ?? ""));
        if (!CryptographicOperations.FixedTimeEquals(submitted, Encoding.ASCII.GetBytes(challenge.ValueHash)))
            return new ValidationFailed(id, ValidationFailureKind.IncorrectResponse, "the submitted value is not the one that was emailed");
        if (!await challenges.MarkUsedAsync(challenge.Id, time.GetUtcNow(), ct))
            return new ValidationFailed(id, ValidationFailureKind.IncorrectResponse, "the emailed value was already used");
        return $"the random value emailed to {string.Join(", ", challenge.Recipients)} at {challenge.CreatedAt:u} was returned";
    }

    private async Task<Result<IReadOnlyList<string>>> RecipientsAsync(Identifier identifier, ValidationMethod method, CancellationToken ct)
    {
        var name = identifier.BaseName;
        var dns = perspectives.Primary.Dns;
        IReadOnlyList<string> found;
        switch (method)
        {
            case ValidationMethod.ConstructedEmail:
                return ConstructedLocalParts.Select(p => $"{p}@{name}").ToList();
            case ValidationMethod.CaaContactEmail:
                var caa = await CaaChecker.FindRelevantAsync(dns, name, ct);
                if (caa.IsError) return caa.Error;
                found = CaaPolicy.ContactEmails(caa.Value.Records);
                break;
            default:
                var txt = await dns.TxtAsync("_validation-contactemail." + name, ct);
                if (txt.IsError) return txt.Error;
                found = txt.Value.Select(v => v.Trim()).ToList();
                break;
        }
        var valid = found.Where(IsMailbox).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return valid.Count > 0 ? valid
            : new ValidationFailed(identifier, ValidationFailureKind.Dns, $"no contact email address is published for {name} ({method})");
    }

    private static bool IsMailbox(string s) => MailAddress.TryCreate(s, out var a) && a.Address == s && a.DisplayName.Length == 0;

    private async Task<CastellanError?> SendValueAsync(EmailChallenge challenge, string value, CancellationToken ct)
    {
        var body = $"""
            Someone asked Castellan to issue a certificate for {challenge.Identifier.BaseName}.
            If you control this domain and approve, give the requester this validation value:

                {value}

            It works once, until {challenge.ExpiresAt:yyyy-MM-dd HH:mm} UTC. If you did not expect this, ignore this email.
            """;
        try
        {
            await mailer.SendAsync(new ValidationMail(challenge.Recipients, $"Domain control validation for {challenge.Identifier.BaseName}", body, challenge.AccountId), ct);
            return null;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or MailKit.ProtocolException or MailKit.Net.Smtp.SmtpCommandException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return new ValidationFailed(challenge.Identifier, ValidationFailureKind.Connection, "the validation email could not be sent");
        }
    }

    private static EmailChallengeSent ToSent(EmailChallenge c) => new(c.Id, c.Identifier, c.Method, c.Recipients, c.ExpiresAt);
}
