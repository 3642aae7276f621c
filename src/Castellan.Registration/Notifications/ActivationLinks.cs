using Castellan.Authority.Issuance;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Microsoft.Extensions.Options;

namespace Castellan.Registration.Notifications;

/// <summary>
/// Creates single-use activation links and puts them in the outbox. The token is 256 random bits; only its SHA-256
/// is stored (a fast hash suffices for a random secret, as for API keys), so a database reader cannot activate anyone.
/// </summary>
public sealed class ActivationLinks(IActivationTokenStore tokens, INotificationOutbox outbox, IOptions<RegistrationOptions> options,
    PublicationUrlProvider urls, TimeProvider clock)
{
    public async Task SendAsync(User user, string? accountId, string subject, string intro, CancellationToken ct)
    {
        var token = Ids.Secret();
        var now = clock.GetUtcNow();
        await tokens.AddAsync(new ActivationToken(ApiKeyService.Hash(token), user.Id, accountId, now + options.Value.ActivationLinkLifetime, null), ct);
        var link = $"{PortalUrl}/activate?token={token}";
        var body = $"Hello {user.Name},\n\n{intro}\n\nSet your password here (the link works once, until {(now + options.Value.ActivationLinkLifetime):u}):\n{link}\n";
        await outbox.EnqueueAsync(new OutgoingMessage(Ids.New("msg"), user.Email, subject, body, now), ct);
    }

    public Task NotifyAsync(string to, string subject, string body, CancellationToken ct) =>
        outbox.EnqueueAsync(new OutgoingMessage(Ids.New("msg"), to, subject, body, clock.GetUtcNow()), ct);

    private string PortalUrl => (options.Value.PortalUrl is { Length: > 0 } p ? p : urls.Current.BaseUrl).TrimEnd('/');
}
