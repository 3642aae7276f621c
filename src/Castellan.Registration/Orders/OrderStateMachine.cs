namespace Castellan.Registration.Orders;

/// <summary>
/// The explicit order state machine (seed 003 "Order Status and Corresponding situations"). Every transition not in
/// the table is refused with an error naming the status and the action, so no code path can move an order sideways.
/// </summary>
public static class OrderStateMachine
{
    private static readonly Dictionary<(OrderStatus, OrderTrigger), OrderStatus> Transitions = new()
    {
        // A draft is placed directly, or goes to an approver first.
        [(OrderStatus.OnHold, OrderTrigger.Place)] = OrderStatus.Accepted,
        [(OrderStatus.OnHold, OrderTrigger.PlaceNeedingApproval)] = OrderStatus.PendingApproval,
        [(OrderStatus.OnHold, OrderTrigger.PlaceForParentApproval)] = OrderStatus.PendingParentApproval,
        [(OrderStatus.OnHold, OrderTrigger.Reject)] = OrderStatus.Rejected,
        [(OrderStatus.OnHold, OrderTrigger.Cancel)] = OrderStatus.Cancelled,

        [(OrderStatus.PendingApproval, OrderTrigger.Approve)] = OrderStatus.Accepted,
        [(OrderStatus.PendingApproval, OrderTrigger.Reject)] = OrderStatus.Rejected,
        [(OrderStatus.PendingApproval, OrderTrigger.Cancel)] = OrderStatus.Cancelled,

        // A partner approving a sub-account order may still need its own administrator's approval.
        [(OrderStatus.PendingParentApproval, OrderTrigger.Approve)] = OrderStatus.Accepted,
        [(OrderStatus.PendingParentApproval, OrderTrigger.PlaceNeedingApproval)] = OrderStatus.PendingApproval,
        [(OrderStatus.PendingParentApproval, OrderTrigger.Reject)] = OrderStatus.Rejected,
        [(OrderStatus.PendingParentApproval, OrderTrigger.Cancel)] = OrderStatus.Cancelled,

        [(OrderStatus.Accepted, OrderTrigger.StartValidation)] = OrderStatus.InProgress,
        [(OrderStatus.Accepted, OrderTrigger.Fulfil)] = OrderStatus.Fulfilled,
        [(OrderStatus.Accepted, OrderTrigger.Cancel)] = OrderStatus.Cancelled,
        [(OrderStatus.Accepted, OrderTrigger.Reject)] = OrderStatus.Rejected,

        [(OrderStatus.InProgress, OrderTrigger.Fulfil)] = OrderStatus.Fulfilled,
        [(OrderStatus.InProgress, OrderTrigger.Cancel)] = OrderStatus.Cancelled,
        [(OrderStatus.InProgress, OrderTrigger.Reject)] = OrderStatus.Rejected,
    };

    public static Result<OrderStatus> Next(OrderStatus current, OrderTrigger trigger) =>
        Transitions.TryGetValue((current, trigger), out var next)
            ? next
            : new Conflict($"an order in status '{current.Display()}' cannot be {Verb(trigger)}");

    public static IEnumerable<OrderTrigger> Allowed(OrderStatus current) =>
        Transitions.Keys.Where(k => k.Item1 == current).Select(k => k.Item2);

    /// <summary>Cancellation and rejection refund what was debited (seed: "cancel with remarks (refund)").</summary>
    public static bool Refunds(OrderStatus from, OrderStatus to) =>
        to is OrderStatus.Cancelled or OrderStatus.Rejected && from is OrderStatus.PendingApproval or OrderStatus.PendingParentApproval or OrderStatus.Accepted or OrderStatus.InProgress;

    public static bool IsFinal(OrderStatus status) => status is OrderStatus.Fulfilled or OrderStatus.Cancelled or OrderStatus.Rejected;

    private static string Verb(OrderTrigger trigger) => trigger switch
    {
        OrderTrigger.Place or OrderTrigger.PlaceNeedingApproval or OrderTrigger.PlaceForParentApproval => "placed",
        OrderTrigger.Approve => "approved",
        OrderTrigger.Reject => "rejected",
        OrderTrigger.Cancel => "cancelled",
        OrderTrigger.StartValidation => "moved into validation",
        OrderTrigger.Fulfil => "fulfilled",
        _ => trigger.ToString(),
    };
}
