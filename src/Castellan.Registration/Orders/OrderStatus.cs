namespace Castellan.Registration.Orders;

/// <summary>Order statuses as the seeds name them.</summary>
public enum OrderStatus
{
    /// <summary>"On Hold": saved as a draft; not yet placed or paid.</summary>
    OnHold,
    PendingApproval,
    PendingParentApproval,
    Accepted,
    InProgress,
    Fulfilled,
    Cancelled,
    Rejected,
}

/// <summary>What happens to an order.</summary>
public enum OrderTrigger
{
    Place,
    PlaceNeedingApproval,
    PlaceForParentApproval,
    Approve,
    Reject,
    Cancel,
    StartValidation,
    Fulfil,
}

public static class OrderStatusNames
{
    /// <summary>The label the seeds and the portal show.</summary>
    public static string Display(this OrderStatus status) => status switch
    {
        OrderStatus.OnHold => "On Hold",
        OrderStatus.PendingApproval => "Order Pending for Approval",
        OrderStatus.PendingParentApproval => "Order Pending for Parent Approval",
        OrderStatus.Accepted => "Order Accepted",
        OrderStatus.InProgress => "Order In Progress",
        OrderStatus.Fulfilled => "Order Fulfilled",
        OrderStatus.Cancelled => "Order Cancelled",
        OrderStatus.Rejected => "Order Rejected",
        _ => status.ToString(),
    };
}
