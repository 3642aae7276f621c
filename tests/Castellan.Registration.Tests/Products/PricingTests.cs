using Castellan.Registration.Contracts;
using Castellan.Registration.Products;

namespace Castellan.Registration.Tests.Products;

public class PricingTests
{
    private static Product Product(long perYear, int included, long perExtraSan) =>
        new("prd_t", null, "Test", "tls-client", null, 3 * 365, perYear, "USD", false, ApprovalMode.Manual, null, included, perExtraSan, DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(199, 1)]
    [InlineData(365, 1)]
    [InlineData(366, 2)]
    [InlineData(730, 2)]
    [InlineData(731, 3)]
    public void Years_counts_every_started_year(int days, int years) => Assert.Equal(years, Pricing.Years(days));

    [Theory]
    // perYear, included, perExtraSan, days, names, expected
    [InlineData(5_000, 1, 0, 199, 1, 5_000)]
    [InlineData(5_000, 1, 0, 366, 1, 10_000)]
    [InlineData(12_000, 3, 2_000, 365, 3, 12_000)]
    [InlineData(12_000, 3, 2_000, 365, 5, 16_000)]
    [InlineData(12_000, 3, 2_000, 730, 5, 32_000)]
    [InlineData(1_000, 1, 200, 730, 0, 2_000)]
    [InlineData(0, 0, 0, 365, 10, 0)]
    public void Quote_charges_each_year_and_each_name_beyond_those_included(long perYear, int included, long perExtra, int days, int names, long expected)
    {
        var quote = Pricing.Quote(Product(perYear, included, perExtra), days, names);
        Assert.False(quote.IsError, quote.Error?.Detail);
        Assert.Equal(expected, quote.Value);
    }

    [Fact]
    public void Quote_refuses_a_price_that_overflows_instead_of_wrapping()
    {
        var quote = Pricing.Quote(Product(long.MaxValue / 2, 0, long.MaxValue / 2), 365 * 3, 2);
        Assert.IsType<PolicyViolation>(quote.Error);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(365, -1)]
    public void Quote_refuses_a_non_positive_validity_or_a_negative_name_count(int days, int names) =>
        Assert.IsType<MalformedInput>(Pricing.Quote(Product(100, 1, 10), days, names).Error);

    [Fact]
    public void Built_in_products_stay_within_their_profiles_and_have_unique_ids()
    {
        Assert.Equal(BuiltInProducts.All.Count, BuiltInProducts.All.Select(p => p.Id).Distinct().Count());
        foreach (var p in BuiltInProducts.All)
        {
            var profile = Castellan.Authority.Profiles.BuiltInProfiles.All.Single(x => x.Id == p.ProfileId);
            Assert.InRange(p.ValidityDays, 1, profile.MaxValidityDays);
            Assert.True(p.ApprovalMode != ApprovalMode.Automatic || !string.IsNullOrEmpty(p.ApprovalCriteria), $"{p.Id} issues automatically without recorded criteria");
        }
    }
}
