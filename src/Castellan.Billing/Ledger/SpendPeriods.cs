using Castellan.Billing.Contracts;

namespace Castellan.Billing.Ledger;

/// <summary>Calendar spend-limit periods in UTC: a debit at any instant counts in exactly one period.</summary>
public static class SpendPeriods
{
    public static DateTimeOffset StartOf(SpendPeriod period, DateTimeOffset instant)
    {
        var t = instant.UtcDateTime;
        return period switch
        {
            SpendPeriod.Month => new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero),
            SpendPeriod.Quarter => new DateTimeOffset(t.Year, ((t.Month - 1) / 3 * 3) + 1, 1, 0, 0, 0, TimeSpan.Zero),
            SpendPeriod.Year => new DateTimeOffset(t.Year, 1, 1, 0, 0, 0, TimeSpan.Zero),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "unknown spend period"),
        };
    }

    /// <summary>The first instant of the next period (exclusive end of this one).</summary>
    public static DateTimeOffset EndOf(SpendPeriod period, DateTimeOffset instant)
    {
        var start = StartOf(period, instant);
        return period switch
        {
            SpendPeriod.Month => start.AddMonths(1),
            SpendPeriod.Quarter => start.AddMonths(3),
            SpendPeriod.Year => start.AddYears(1),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "unknown spend period"),
        };
    }
}
