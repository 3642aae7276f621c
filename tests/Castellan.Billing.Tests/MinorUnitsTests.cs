using Castellan.Billing.Contracts;

namespace Castellan.Billing.Tests;

public sealed class MinorUnitsTests
{
    [Theory]
    [InlineData(5000, "USD", "50.00 USD")]
    [InlineData(123456, "EUR", "1,234.56 EUR")]
    [InlineData(5000, "JPY", "5,000 JPY")]
    [InlineData(1, "KRW", "1 KRW")]
    [InlineData(1250, "BHD", "1.250 BHD")]
    [InlineData(5, "KWD", "0.005 KWD")]
    [InlineData(12345, "CLF", "1.2345 CLF")]
    [InlineData(-250, "USD", "-2.50 USD")]
    [InlineData(0, "INR", "0.00 INR")]
    [InlineData(999, "XYZ", "9.99 XYZ")] // an unknown code takes ISO 4217's usual two decimals
    public void Format_amount_in_minor_units_uses_the_currencys_decimals(long minor, string currency, string expected) =>
        Assert.Equal(expected, MinorUnits.Format(minor, currency));

    [Theory]
    [InlineData("JPY", 0)]
    [InlineData("jpy", 0)]
    [InlineData("USD", 2)]
    [InlineData("BHD", 3)]
    [InlineData("UYW", 4)]
    public void Digits_follow_ISO_4217_minor_units(string currency, int expected) => Assert.Equal(expected, MinorUnits.Digits(currency));

    [Fact]
    public void ToMajor_is_exact_for_amounts_a_double_would_round()
    {
        // 2^53 + 1 cents: a double cannot hold it, a decimal can.
        Assert.Equal(90071992547409.93m, MinorUnits.ToMajor(9007199254740993, "USD"));
    }
}
