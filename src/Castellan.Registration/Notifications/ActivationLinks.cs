using Castellan.Authority.Issuance;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Microsoft.Extensions.Options;

namespace Castellan.Registration.Notifications;

/// <summary>
/// Creates single-use activation links and puts them in the outbox. The token is 256 random bits; only its SHA-256
/// is stored (a fast hash suffices for a random secret, as for API keys), so a database reader cannot activate anyone.
/// The message is rendered from the account's activation (or invitation) template.
/// </summary>
public sealed class ActivationLinks(IActivationTokenStore tokens, INotificationOutbox outbox, Notifier notifier, IAccountStore accounts,
    IOptions<RegistrationOptions> options, PublicationUrlProvider urls, TimeProvider clock)
{
    public async Task SendAsync(User user, string? accountId, string subject, string intro, CancellationToken ct, NotificationEvent kind = NotificationEvent.Activation)
    {
        var token = Ids.Secret();
        var now = clock.GetUtcNow();
        var expires = now + options.Value.ActivationLinkLifetime;
        await tokens.AddAsync(new ActivationToken(ApiKeyService.Hash(token), user.Id, accountId, expires, null), ct);
        var account = accountId is null ? null : await accounts.GetAsync(accountId, ct);
        var values = new Dictionary<string, string>
        {
            ["name"] = user.Name, ["subject"] = subject, ["intro"] = intro, ["activationLink"] = $"{PortalUrl}/activate?token={token}",
            ["expiresAt"] = expires.ToString("u"), ["accountName"] = account?.Name ?? "", ["accountNumber"] = account?.Number ?? "", ["portalUrl"] = PortalUrl,
        };
        await notifier.SendAsync(accountId, kind, user.Email, values, ct);
    }

    public Task NotifyAsync(string to, string subject, string body, CancellationToken ct) =>
        outbox.EnqueueAsync(new OutgoingMessage(Ids.New("msg"), to, subject, body, clock.GetUtcNow()), ct);

    /// <summary>Base of the links put in emails.</summary>
    public string PortalUrl => (options.Value.PortalUrl is { Length: > 0 } p ? p : urls.Current.BaseUrl).TrimEnd('/');
}
