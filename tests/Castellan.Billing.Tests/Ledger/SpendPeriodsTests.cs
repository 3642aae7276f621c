using Castellan.Billing.Contracts;
using Castellan.Billing.Ledger;

namespace Castellan.Billing.Tests.Ledger;

public class SpendPeriodsTests
{
    [Theory]
    [InlineData(SpendPeriod.Month, "2026-11-22T16:55:00Z", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z")]
    [InlineData(SpendPeriod.Month, "2026-12-31T23:59:59.999Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData(SpendPeriod.Month, "2026-12-01T00:00:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData(SpendPeriod.Month, "2028-02-29T12:00:00Z", "2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z")]
    [InlineData(SpendPeriod.Quarter, "2026-11-22T16:55:00Z", "2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData(SpendPeriod.Quarter, "2026-03-31T23:59:59Z", "2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z")]
    [InlineData(SpendPeriod.Quarter, "2026-04-01T00:00:00Z", "2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z")]
    [InlineData(SpendPeriod.Year, "2026-07-15T10:00:00Z", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    public void StartOf_and_EndOf_give_the_calendar_period_in_UTC(SpendPeriod period, string instant, string start, string end)
    {
        var at = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), SpendPeriods.StartOf(period, at));
        Assert.Equal(DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture), SpendPeriods.EndOf(period, at));
    }

    [Fact]
    public void StartOf_uses_UTC_not_the_offset_of_the_instant()
    {
        // 1 December 03:00 in India is still 30 November in UTC: the November period.
        var at = new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.FromHours(5.5));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), SpendPeriods.StartOf(SpendPeriod.Month, at));
    }

    [Fact]
    public void Every_instant_of_a_year_falls_in_exactly_the_period_StartOf_names()
    {
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        while (t.Year == 2026)
        {
            foreach (var p in Enum.GetValues<SpendPeriod>())
            {
                var start = SpendPeriods.StartOf(p, t);
                Assert.True(start <= t && t < SpendPeriods.EndOf(p, t), $"{t:o} is outside {p} {start:o}");
                Assert.Equal(start, SpendPeriods.StartOf(p, SpendPeriods.EndOf(p, t).AddTicks(-1)));
            }
            t = t.AddHours(7);
        }
    }
}
