using Castellan.Registration.Contracts;

namespace Castellan.Registration.Tests.Orders;

/// <summary>The tracking page shows this message as it is, so it must say how many, in what window and how long to wait.</summary>
public sealed class SendLimitReachedTests
{
    [Theory]
    [InlineData(3, 60, 3599, "was already sent 3 times in the last 60 minutes; try again in 60 minutes")]
    [InlineData(3, 60, 61, "was already sent 3 times in the last 60 minutes; try again in 2 minutes")]
    [InlineData(5, 1, 1, "was already sent 5 times in the last 1 minute; try again in 1 second")]
    [InlineData(2, 60, 59.2, "was already sent 2 times in the last 60 minutes; try again in 60 seconds")]
    public void Detail_says_the_limit_the_window_and_the_wait_rounded_up(int limit, int windowMinutes, double waitSeconds, string expected)
    {
        var error = new SendLimitReached("the email", limit, TimeSpan.FromMinutes(windowMinutes), TimeSpan.FromSeconds(waitSeconds));
        Assert.Equal("the email " + expected, error.Detail);
    }
}
