using Castellan.Validation.Contracts;

namespace Castellan.Validation.Tests.Contracts;

public sealed class DomainValidationReuseTests
{
    private static DateTimeOffset D(string s) => DateTimeOffset.Parse(s + "T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static Identifier Dns(string v) => new(IdentifierType.Dns, v);

    [Theory]
    [InlineData("2026-03-14", 398)]
    [InlineData("2026-03-15", 200)]
    [InlineData("2026-11-22", 200)]
    [InlineData("2027-03-15", 100)]
    [InlineData("2029-03-14", 100)]
    [InlineData("2029-03-15", 10)]
    public void WindowAt_follows_the_SC_081_schedule(string at, int days) =>
        Assert.Equal(TimeSpan.FromDays(days), DomainValidationReuse.WindowAt(D(at)));

    [Fact]
    public void IsReusable_ends_when_the_window_ends()
    {
        var validated = D("2026-06-01");
        Assert.True(DomainValidationReuse.IsReusable(validated, validated.AddDays(199)));
        Assert.False(DomainValidationReuse.IsReusable(validated, validated.AddDays(200)));
    }

    [Fact]
    public void IsReusable_applies_the_shorter_window_in_force_at_issuance()
    {
        // Validated under the 200-day window, used after the 100-day window started: 120 days old is too old.
        var validated = D("2027-01-01");
        Assert.False(DomainValidationReuse.IsReusable(validated, validated.AddDays(120)));
        Assert.True(DomainValidationReuse.IsReusable(validated, validated.AddDays(90)));
    }

    [Theory]
    [InlineData("example.com", ValidationMethod.Http01, "example.com", true)]
    [InlineData("example.com", ValidationMethod.Http01, "www.example.com", false)]
    [InlineData("example.com", ValidationMethod.TlsAlpn01, "www.example.com", false)]
    [InlineData("example.com", ValidationMethod.HttpFile, "www.example.com", false)]
    [InlineData("example.com", ValidationMethod.Dns01, "www.example.com", true)]
    [InlineData("example.com", ValidationMethod.DnsTxt, "a.b.example.com", true)]
    [InlineData("example.com", ValidationMethod.ConstructedEmail, "shop.example.com", true)]
    [InlineData("example.com", ValidationMethod.Http01, "*.example.com", false)]
    [InlineData("example.com", ValidationMethod.Dns01, "*.example.com", true)]
    [InlineData("example.com", ValidationMethod.Dns01, "badexample.com", false)]
    [InlineData("com", ValidationMethod.Dns01, "example.com", false)]
    public void Covers_lets_only_domain_wide_methods_reach_subdomains(string validated, ValidationMethod method, string wanted, bool covers) =>
        Assert.Equal(covers, DomainValidationReuse.Covers(validated, method, Dns(wanted)));

    [Fact]
    public void CandidateNames_are_the_name_and_its_parents_without_the_tld() =>
        Assert.Equal(["www.shop.example.com", "shop.example.com", "example.com"], DomainValidationReuse.CandidateNames(Dns("www.shop.example.com")));

    [Fact]
    public void RandomValues_are_128_bits_distinct_and_hash_stably()
    {
        var a = RandomValues.New();
        var b = RandomValues.New();
        Assert.Equal(26, a.Length);
        Assert.NotEqual(a, b);
        Assert.All(a, c => Assert.True(char.IsAsciiLetterLower(c) || c is >= '2' and <= '7'));
        Assert.Equal(RandomValues.Hash(a), RandomValues.Hash(" " + a + " "));
        Assert.NotEqual(RandomValues.Hash(a), RandomValues.Hash(b));
    }
}
