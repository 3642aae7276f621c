using System.Security.Cryptography;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;
using Castellan.Registration.Users;

namespace Castellan.Registration.Orders.Documents;

/// <summary>The body of POST /orders/{id}/delegation.</summary>
public sealed record DelegateDownloadRequest(string? Name, string? Email);

/// <summary>
/// Seed 003 "Certificate Download Delegation": the order's placer (or OrdersManage) names a delegate; an 8-digit PIN
/// goes to the delegate's email through the notification outbox and only its PBKDF2 hash is kept. The delegate then
/// downloads the certificate with the order id, their email and the PIN, without an account. Each try is counted
/// before the PIN is checked (a conditional UPDATE), so at most <see cref="MaxAttempts"/> wrong PINs are ever tried
/// (10^8 PINs: a guess succeeds with odds of 5 in 100 million); then the delegation locks until the owner names the
/// delegate again. A delegation lasts <see cref="Lifetime"/>.
/// </summary>
public sealed class DownloadDelegation(OrderService orders, IOrderStore orderStore, IDownloadDelegationStore delegations, INotificationOutbox outbox,
    IAuditLog audit, TimeProvider clock)
{
    public const int MaxAttempts = 5;
    public const int PinDigits = 8;
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    public async Task<Result<DownloadDelegate>> DelegateAsync(Caller caller, string orderId, DelegateDownloadRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var name = Fields.Name(r.Name, "name");
        if (name.IsError) return name.Error;
        var email = Fields.Email(r.Email);
        if (email.IsError) return email.Error;
        var found = await orders.FindForActionAsync(caller, orderId, Permission.OrdersManage, ownerMay: true, ct);
        if (found.IsError) return found.Error;
        if (found.Value.Order.Status is OrderStatus.Cancelled or OrderStatus.Rejected)
            return new Conflict($"an order in status '{found.Value.Order.Status.Display()}' has no certificate to delegate");
        var pin = RandomNumberGenerator.GetInt32(0, 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        var now = clock.GetUtcNow();
        var delegation = new DownloadDelegate(orderId, name.Value, email.Value, PasswordHasher.Hash(pin), 0, caller.Actor, now, now + Lifetime);
        await delegations.SaveAsync(delegation, ct);
        await outbox.EnqueueAsync(new OutgoingMessage(Ids.New("msg"), email.Value, $"Certificate download PIN for order {orderId}",
            $"Hello {name.Value},\n\nYou may download the certificate of order {orderId}. Your download PIN is {pin}.\n" +
            $"Send it with your email address and the order id to POST /api/v1/delegated-downloads. The PIN works until {delegation.ExpiresAt:yyyy-MM-dd} UTC " +
            $"and locks after {MaxAttempts} wrong tries.\n", now), ct);
        // The PIN itself is never audited or logged; the outbox keeps the message until it is sent, like activation links.
        await audit.AppendAsync(new AuditEvent(caller.Actor, "order.download-delegated", $"order:{orderId}", JsonSerializer.Serialize(new
        {
            order = orderId, account = found.Value.Order.AccountId, delegateName = name.Value, delegateEmail = email.Value, expiresAt = delegation.ExpiresAt,
        }), origin.Address), CancellationToken.None);
        return delegation;
    }

    /// <summary>The order whose certificate the delegate may download, when the email and PIN match.</summary>
    public async Task<Result<Order>> AuthorizeDownloadAsync(string? orderId, string? email, string? pin, string? address, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(orderId) || orderId.Length > 100) return new MalformedInput("'orderId' is required");
        if (pin is null || pin.Length != PinDigits || !pin.All(char.IsAsciiDigit)) return new MalformedInput($"'pin' is {PinDigits} digits");
        var mail = Fields.Email(email);
        if (mail.IsError) return mail.Error;
        var delegation = await delegations.GetAsync(orderId, ct);
        // No delegation answers like a wrong PIN, so the endpoint does not reveal which orders have delegates.
        if (delegation is null) return new DelegationRefused(0);
        if (delegation.ExpiresAt <= clock.GetUtcNow() || !await delegations.TryClaimAttemptAsync(orderId, MaxAttempts, ct))
        {
            await AuditAsync("order.delegate-download-locked", orderId, mail.Value, address);
            return new DelegationLocked();
        }
        var right = string.Equals(delegation.Email, mail.Value, StringComparison.Ordinal) & PasswordHasher.Verify(pin, delegation.PinHash);
        if (!right)
        {
            var after = await delegations.GetAsync(orderId, ct);
            await AuditAsync("order.delegate-pin-refused", orderId, mail.Value, address);
            return new DelegationRefused(Math.Max(0, MaxAttempts - (after?.FailedAttempts ?? MaxAttempts)));
        }
        await delegations.ReleaseAttemptAsync(orderId, ct);
        var order = await orderStore.GetAsync(orderId, ct);
        if (order?.CertificateSerial is null) return new Conflict($"order '{orderId}' has no certificate yet");
        await AuditAsync("order.delegate-downloaded", orderId, mail.Value, address);
        return order;
    }

    private async Task AuditAsync(string action, string orderId, string email, string? address) =>
        await audit.AppendAsync(new AuditEvent("delegate:" + email, action, $"order:{orderId}", JsonSerializer.Serialize(new { order = orderId }), address), CancellationToken.None);
}
