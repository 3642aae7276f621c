namespace Castellan.Validation.Contracts;

/// <summary>
/// One email carrying a DCV random value (BR 3.2.2.4.4/.13/.14). <see cref="Recipients"/> may be several addresses:
/// the BR let one value go to several constructed addresses at once. The body holds the value, so it is as sensitive
/// as the value itself until it is used or expires.
/// </summary>
public sealed record ValidationMail(IReadOnlyList<string> Recipients, string Subject, string Body, string? AccountId);

/// <summary>
/// How the validation authority hands its emails over. The server's RA implements it with its outbox (one SMTP
/// configuration, <c>Castellan:Smtp</c>, retries with backoff, nothing sent inside an HTTP request); without the RA
/// (a bare VA, e.g. the CLI) a direct SMTP sender on the same <c>Castellan:Smtp</c> settings is used. Returning without
/// an exception means the mail was accepted for delivery (queued or sent), not that it arrived.
/// </summary>
public interface IValidationMailer
{
    Task SendAsync(ValidationMail mail, CancellationToken ct);
}
