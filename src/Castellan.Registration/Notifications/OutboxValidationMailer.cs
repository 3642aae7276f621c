using Castellan.Registration.Contracts;
using Castellan.Validation.Contracts;

namespace Castellan.Registration.Notifications;

/// <summary>
/// The validation authority's emails through the RA's outbox: one SMTP configuration (<c>Castellan:Smtp</c>), retries
/// with backoff by <see cref="OutboxDispatcher"/>, and no SMTP exchange inside the HTTP request that asked for the
/// value. One message per recipient (the same value to each, as BR 3.2.2.4.4 allows). The text is the VA's, not an
/// account template: what a domain owner is asked to approve is the CA's wording.
/// </summary>
internal sealed class OutboxValidationMailer(INotificationOutbox outbox, TimeProvider clock) : IValidationMailer
{
    public async Task SendAsync(ValidationMail mail, CancellationToken ct)
    {
        foreach (var to in mail.Recipients)
            await outbox.EnqueueAsync(new OutgoingMessage(Ids.New("msg"), to, mail.Subject, mail.Body, clock.GetUtcNow()), ct);
    }
}
