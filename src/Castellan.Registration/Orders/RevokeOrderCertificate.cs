using Castellan.Authority.Contracts;
using Castellan.Authority.Revocation;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Orders;

/// <summary>The body of POST /orders/{id}/revoke.</summary>
public sealed record RevokeOrderRequest(string? Reason, string? Remarks);

/// <summary>
/// Revokes an order's certificate through the CA's revocation (CRL regenerated, OCSP re-signed) with a reason a
/// subscriber may give and remarks for the audit log. The order stays Order Fulfilled; the certificate's status says
/// it is revoked.
/// </summary>
public sealed class RevokeOrderCertificate(OrderService orders, RevokeCertificate revoke, Notifications.OrderNotifications notices)
{
    /// <summary>
    /// CA/B Forum TLS BR 4.9.1.1 and 7.2.2: the reasons a subscriber chooses. privilegeWithdrawn and the CA
    /// reasons are the CA's own; certificateHold is not used for TLS.
    /// </summary>
    public static IReadOnlyDictionary<string, RevocationReason> SubscriberReasons { get; } = new Dictionary<string, RevocationReason>(StringComparer.OrdinalIgnoreCase)
    {
        ["unspecified"] = RevocationReason.Unspecified,
        ["keyCompromise"] = RevocationReason.KeyCompromise,
        ["affiliationChanged"] = RevocationReason.AffiliationChanged,
        ["superseded"] = RevocationReason.Superseded,
        ["cessationOfOperation"] = RevocationReason.CessationOfOperation,
    };

    public async Task<Result<Order>> RevokeAsync(Caller caller, string id, RevokeOrderRequest r, RequestOrigin origin, CancellationToken ct)
    {
        if (r.Reason is null || !SubscriberReasons.TryGetValue(r.Reason.Trim(), out var reason))
            return new MalformedInput($"unknown revocation reason '{r.Reason}' (one of {string.Join(", ", SubscriberReasons.Keys)})");
        var remarks = OrderInput.Remarks(r.Remarks, "remarks", required: true);
        if (remarks.IsError) return remarks.Error;
        var found = await orders.FindForActionAsync(caller, id, Permission.OrdersManage, ownerMay: true, ct);
        if (found.IsError) return found.Error;
        var order = found.Value.Order;
        if (order.Status != OrderStatus.Fulfilled || order.CertificateSerial is not { } serial)
            return new Conflict($"an order in status '{order.Status.Display()}' has no certificate to revoke");
        var revoked = await revoke.RevokeAsync(SerialNumber.Parse(serial), reason, caller.Actor, ct);
        if (revoked.IsError) return revoked.Error;
        await orders.AuditAsync(caller.Actor, "order.certificate-revoked", order, order.Status, order.Status, origin, new { serial, reason = reason.ToString(), remarks = remarks.Value });
        await notices.RevokedAsync(order, reason.ToString(), ct); // issue 3 item 12: the revocation email
        return order;
    }
}
