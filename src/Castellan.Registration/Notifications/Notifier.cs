using Castellan.Registration.Contracts;

namespace Castellan.Registration.Notifications;

/// <summary>
/// Renders an event's template (the account's override, else the built-in one) and puts the message in the outbox.
/// Sending happens later (<see cref="OutboxDispatcher"/>), so a use case never waits for, or fails with, the mail server.
/// </summary>
public sealed class Notifier(INotificationSettingsStore settings, INotificationOutbox outbox, TimeProvider clock)
{
    public async Task SendAsync(string? accountId, NotificationEvent e, string to, IReadOnlyDictionary<string, string> values, CancellationToken ct)
    {
        var custom = accountId is null ? null : await settings.GetTemplateAsync(accountId, e, ct);
        var spec = Templates.BuiltIn[e];
        var rendered = custom is null
            ? Templates.Render(spec.Subject, spec.Text, null, values)
            : Templates.Render(custom.Subject, custom.Text, custom.Html, values);
        await outbox.EnqueueAsync(new OutgoingMessage(Ids.New("msg"), to, rendered.Subject, rendered.Text, clock.GetUtcNow()) { HtmlBody = rendered.Html }, ct);
    }
}
