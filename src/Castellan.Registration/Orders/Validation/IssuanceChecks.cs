using Castellan.Registration.Contracts;

namespace Castellan.Registration.Orders.Validation;

/// <summary>What must hold right before an RA order is signed, in this order: every name's domain control, then CAA.</summary>
internal static class IssuanceChecks
{
    public static async Task<CastellanError?> BlockedAsync(OrderDomainValidation dcv, Order order, Product product, CancellationToken ct)
    {
        var pending = await dcv.PendingAsync(order, product, ct);
        if (pending.IsError) return pending.Error;
        if (pending.Value.Count > 0) return new DomainControlPending(order.Id, pending.Value);
        return await dcv.CheckCaaAsync(order, product, ct);
    }
}
