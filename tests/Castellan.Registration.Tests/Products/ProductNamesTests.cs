using Castellan.Registration.Contracts;
using Castellan.Registration.Products;

namespace Castellan.Registration.Tests.Products;

public class ProductNamesTests
{
    private static readonly Product Wildcard = BuiltInProducts.All.Single(p => p.Id == "prd_tls_ov_wildcard");

    [Fact]
    public void Every_built_in_TLS_product_has_a_kind_and_OV_EV_ones_sit_on_their_own_profiles()
    {
        var tls = BuiltInProducts.All.Where(p => p.ProfileId.StartsWith("tls-server", StringComparison.Ordinal)).ToList();
        Assert.Equal(9, tls.Count); // DV, OV, EV x single, wildcard, multi
        foreach (var p in tls)
        {
            var kind = BuiltInProducts.KindOf(p.Id);
            Assert.NotNull(kind);
            Assert.Equal(kind.Level switch { ValidationLevel.Dv => "tls-server", ValidationLevel.Ov => "tls-server-ov", _ => "tls-server-ev" }, p.ProfileId);
            Assert.Equal(kind.Names == NameShape.Multi, p.PricePerExtraSanMinor > 0 || p.Id == "prd_tls_multi");
        }
        Assert.Equal(3, tls.Select(p => BuiltInProducts.KindOf(p.Id)).Distinct().Count(k => k!.Names == NameShape.Wildcard));
    }

    [Theory]
    [InlineData(new[] { "*.example.com" }, true)]
    [InlineData(new[] { "*.example.com", "EXAMPLE.com" }, true)]
    [InlineData(new[] { "*.example.com", "*.shop.example.com" }, false)]
    [InlineData(new[] { "*.example.com", "www.example.org" }, false)]
    [InlineData(new[] { "example.com" }, false)]
    public void A_wildcard_product_takes_exactly_one_wildcard_and_its_base(string[] names, bool accepted) =>
        Assert.Equal(accepted, ProductNames.Check(Wildcard, BuiltInProducts.KindOf(Wildcard.Id)!, names) is null);

    [Fact]
    public void The_EV_subject_adds_the_registration_number_and_the_OV_one_does_not()
    {
        var org = new Organization("org_1", "acc", "Example Ltd", "GB", null, "London", null, null, "01234567", OrganizationStatus.Verified, "u", default, default);
        Assert.Equal("CN=www.example.com, O=Example Ltd, L=London, C=GB", ProductNames.OrganizationSubject(org, new(ValidationLevel.Ov, NameShape.Single), ["www.example.com"]));
        Assert.Contains("SERIALNUMBER=01234567", ProductNames.OrganizationSubject(org, new(ValidationLevel.Ev, NameShape.Single), ["www.example.com"]), StringComparison.Ordinal);
    }
}
