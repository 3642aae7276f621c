using Castellan.Registration.Orders;

namespace Castellan.Registration.Tests;

public class OrderStateMachineTests
{
    [Theory]
    [InlineData(OrderStatus.OnHold, OrderTrigger.Place, OrderStatus.Accepted)]
    [InlineData(OrderStatus.OnHold, OrderTrigger.PlaceNeedingApproval, OrderStatus.PendingApproval)]
    [InlineData(OrderStatus.OnHold, OrderTrigger.PlaceForParentApproval, OrderStatus.PendingParentApproval)]
    [InlineData(OrderStatus.PendingApproval, OrderTrigger.Approve, OrderStatus.Accepted)]
    [InlineData(OrderStatus.PendingApproval, OrderTrigger.Reject, OrderStatus.Rejected)]
    [InlineData(OrderStatus.PendingParentApproval, OrderTrigger.Approve, OrderStatus.Accepted)]
    [InlineData(OrderStatus.Accepted, OrderTrigger.StartValidation, OrderStatus.InProgress)]
    [InlineData(OrderStatus.InProgress, OrderTrigger.Fulfil, OrderStatus.Fulfilled)]
    [InlineData(OrderStatus.InProgress, OrderTrigger.Cancel, OrderStatus.Cancelled)]
    public void Next_follows_the_seed_flow(OrderStatus from, OrderTrigger trigger, OrderStatus expected)
    {
        var next = OrderStateMachine.Next(from, trigger);
        Assert.False(next.IsError, next.Error?.Detail);
        Assert.Equal(expected, next.Value);
    }

    [Fact]
    public void Final_statuses_accept_no_trigger()
    {
        foreach (var final in new[] { OrderStatus.Fulfilled, OrderStatus.Cancelled, OrderStatus.Rejected })
        {
            Assert.True(OrderStateMachine.IsFinal(final));
            Assert.Empty(OrderStateMachine.Allowed(final));
            foreach (var trigger in Enum.GetValues<OrderTrigger>())
            {
                var next = OrderStateMachine.Next(final, trigger);
                Assert.True(next.IsError, $"{final} accepted {trigger}");
                Assert.IsType<Conflict>(next.Error);
                Assert.Contains(final.Display(), next.Error.Detail);
            }
        }
    }

    [Theory]
    [InlineData(OrderStatus.PendingApproval, OrderTrigger.Fulfil)]
    [InlineData(OrderStatus.OnHold, OrderTrigger.Approve)]
    [InlineData(OrderStatus.Accepted, OrderTrigger.Approve)]
    [InlineData(OrderStatus.PendingApproval, OrderTrigger.Place)]
    public void Illegal_transitions_are_refused(OrderStatus from, OrderTrigger trigger) =>
        Assert.True(OrderStateMachine.Next(from, trigger).IsError);

    [Fact]
    public void Only_cancelling_or_rejecting_a_paid_order_refunds()
    {
        Assert.True(OrderStateMachine.Refunds(OrderStatus.Accepted, OrderStatus.Cancelled));
        Assert.True(OrderStateMachine.Refunds(OrderStatus.PendingApproval, OrderStatus.Rejected));
        Assert.False(OrderStateMachine.Refunds(OrderStatus.OnHold, OrderStatus.Cancelled));
        Assert.False(OrderStateMachine.Refunds(OrderStatus.InProgress, OrderStatus.Fulfilled));
    }
}
