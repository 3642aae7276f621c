using Castellan.Registration.Contracts;

namespace Castellan.Registration.Products;

/// <summary>
/// The price of an order. A product's price is per started year of validity (366 days are two years), and each name
/// beyond the product's included SANs costs the extra-SAN price for each of those years too, as a multi-domain
/// certificate covers every name for the whole term. Integer minor units with checked arithmetic: an overflow is a
/// refused order, never a wrapped price.
/// </summary>
public static class Pricing
{
    public const int DaysPerYear = 365;

    public static int Years(int validityDays) => validityDays <= 0 ? 0 : (validityDays + DaysPerYear - 1) / DaysPerYear;

    public static Result<long> Quote(Product product, int validityDays, int sanCount) => Quote(product, validityDays, sanCount, 1);

    /// <summary>A subscription is priced per year of coverage, or of validity when that spans more years.</summary>
    public static Result<long> Quote(Product product, int validityDays, int sanCount, int coverageYears)
    {
        if (validityDays < 1) return new MalformedInput("'validityDays' must be at least 1");
        if (sanCount < 0) return new MalformedInput("the number of names cannot be negative");
        var years = Math.Max(Years(validityDays), coverageYears);
        var extra = Math.Max(0, sanCount - product.SansIncluded);
        try
        {
            return checked((product.PricePerYearMinor + extra * product.PricePerExtraSanMinor) * years);
        }
        catch (OverflowException)
        {
            return new PolicyViolation("order.price", "the order's price does not fit a 64-bit amount");
        }
    }
}
