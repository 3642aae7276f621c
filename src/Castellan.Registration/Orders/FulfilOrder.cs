using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Orders;

/// <summary>The body of POST /orders/{id}/decision: "approve", or "reject" with a reason.</summary>
public sealed record DecisionRequest(string? Decision, string? Reason);

/// <summary>
/// Issuance for products that do not issue on their own (seed 000 approval modes). <see cref="ApprovalMode.Manual"/>:
/// an RA officer completes an accepted order after vetting it. <see cref="ApprovalMode.Api"/>: an external system
/// submits its decision and gets the outcome in the same response. Both need OrdersApprove; the operator's catalogue
/// (built-in products) is vetted by operator staff only, an account's private products by its own approvers too.
/// </summary>
public sealed class FulfilOrder(OrderService orders, IProductStore products, Validation.OrderDomainValidation dcv)
{
    public async Task<Result<Order>> FulfilAsync(Caller caller, string id, RequestOrigin origin, CancellationToken ct)
    {
        var found = await FindAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        var (order, product) = found.Value;
        if (product.ApprovalMode == ApprovalMode.Automatic) return new Conflict($"product '{product.Id}' issues automatically; there is nothing to fulfil by hand");
        if (Ready(order) is { } notReady) return notReady;
        if (await DomainControlAsync(order, product, ct) is { } pending) return pending;
        await orders.AuditAsync(caller.Actor, "order.fulfilment-started", order, order.Status, order.Status, origin, new { mode = ProductsName(product) });
        return await orders.IssueAcceptedAsync(order, product, caller.Actor, origin, ct);
    }

    public async Task<Result<Order>> DecideAsync(Caller caller, string id, DecisionRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var decision = r.Decision?.Trim().ToLowerInvariant();
        if (decision is not ("approve" or "reject")) return new MalformedInput("'decision' must be approve or reject");
        var reason = OrderInput.Remarks(r.Reason, "reason", required: decision == "reject");
        if (reason.IsError) return reason.Error;
        var found = await FindAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        var (order, product) = found.Value;
        if (product.ApprovalMode != ApprovalMode.Api) return new Conflict($"product '{product.Id}' is not approved through the API (its approval mode is {ProductsName(product)})");
        await orders.AuditAsync(caller.Actor, "order.decided", order, order.Status, order.Status, origin, new { decision, reason = reason.Value });
        if (decision == "reject") return await orders.RejectAsync(caller, id, reason.Value, origin, ct);

        // Approve: a pending order is approved first (audited as usual), then the accepted order is issued at once.
        if (order.Csr is null) return new Conflict("the order has no CSR yet; decide once it has one");
        if (order.Status is OrderStatus.PendingApproval or OrderStatus.PendingParentApproval)
        {
            var approved = await orders.ApproveAsync(caller, id, null, origin, ct);
            if (approved.IsError) return approved.Error;
            order = approved.Value;
        }
        if (Ready(order) is { } notReady) return notReady;
        if (await DomainControlAsync(order, product, ct) is { } pending) return pending;
        return await orders.IssueAcceptedAsync(order, product, caller.Actor, origin, ct);
    }

    /// <summary>An approver cannot fulfil before every name's domain control is validated (docs/flows/orders.md).</summary>
    private async Task<CastellanError?> DomainControlAsync(Order order, Product product, CancellationToken ct)
    {
        var pending = await dcv.PendingAsync(order, product, ct);
        if (pending.IsError) return pending.Error;
        return pending.Value.Count > 0 ? new DomainControlPending(order.Id, pending.Value) : null;
    }

    private async Task<Result<(Order Order, Product Product)>> FindAsync(Caller caller, string id, CancellationToken ct)
    {
        var found = await orders.FindForActionAsync(caller, id, Permission.OrdersApprove, ownerMay: false, ct);
        if (found.IsError) return found.Error;
        var order = found.Value.Order;
        var product = await products.GetAsync(order.ProductId, ct);
        if (product is null) return new Conflict($"product '{order.ProductId}' no longer exists");
        if (product.BuiltIn && !caller.IsOperator)
            return new Forbidden("orders of the operator's catalogue are vetted and fulfilled by operator staff (RA officers)");
        return (order, product);
    }

    private static CastellanError? Ready(Order order)
    {
        if (order.Status != OrderStatus.Accepted) return new Conflict($"an order in status '{order.Status.Display()}' cannot be fulfilled");
        if (order.Csr is null) return new Conflict("the order has no CSR yet");
        return null;
    }

    private static string ProductsName(Product product) => Products.ProductService.Name(product.ApprovalMode);
}
