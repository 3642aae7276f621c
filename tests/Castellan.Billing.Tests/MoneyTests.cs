using Castellan.Billing.Contracts;

namespace Castellan.Billing.Tests;

public class MoneyTests
{
    [Fact]
    public void Addition_and_subtraction_of_the_same_currency_are_exact_in_minor_units()
    {
        var a = new Money(1999, "USD");
        var b = new Money(1, "USD");
        Assert.Equal(new Money(2000, "USD"), a + b);
        Assert.Equal(new Money(1998, "USD"), a - b);
        Assert.Equal(new Money(-1999, "USD"), -a);
        Assert.True(b < a);
    }

    [Fact]
    public void Ten_thousand_additions_of_one_cent_give_exactly_one_hundred_dollars()
    {
        var sum = Money.Zero("USD");
        for (var i = 0; i < 10_000; i++) sum += new Money(1, "USD");
        Assert.Equal(10_000, sum.Minor);
    }

    [Fact]
    public void Mixing_currencies_throws()
    {
        Assert.Throws<InvalidOperationException>(() => new Money(1, "USD") + new Money(1, "INR"));
        Assert.Throws<InvalidOperationException>(() => new Money(1, "USD") < new Money(1, "EUR"));
    }

    [Fact]
    public void Overflow_throws_instead_of_wrapping()
    {
        Assert.Throws<OverflowException>(() => new Money(long.MaxValue, "USD") + new Money(1, "USD"));
        Assert.Throws<OverflowException>(() => -new Money(long.MinValue, "USD"));
    }

    [Theory]
    [InlineData("USD", true)]
    [InlineData("INR", true)]
    [InlineData("usd", false)]
    [InlineData("US", false)]
    [InlineData("USDT", false)]
    [InlineData("U$D", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsCurrencyCode_accepts_only_three_upper_case_letters(string? code, bool expected)
    {
        Assert.Equal(expected, Money.IsCurrencyCode(code));
    }

    [Fact]
    public void Constructor_refuses_a_malformed_currency()
    {
        Assert.Throws<ArgumentException>(() => new Money(1, "dollars"));
    }
}
