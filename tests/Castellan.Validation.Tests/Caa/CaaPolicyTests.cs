using Castellan.Validation.Caa;

namespace Castellan.Validation.Tests.Caa;

public sealed class CaaPolicyTests
{
    private static readonly string[] Us = ["ca.castellan.test"];

    private static CaaVerdict Decide(bool wildcard, params CaaProperty[] rrset) => CaaPolicy.Decide(rrset, wildcard, Us, "example.com");

    [Fact]
    public void Decide_empty_rrset_permits() => Assert.True(Decide(false).Permitted);

    [Theory]
    [InlineData("ca.castellan.test", true)]
    [InlineData("CA.Castellan.Test", true)]
    [InlineData("ca.castellan.test; accounturi=https://x/acct/1", false)] // RFC 8657: no account to match
    [InlineData("  ca.castellan.test  ;  validationmethods=dns-01 ", false)] // RFC 8657: no method to match
    [InlineData("ca.castellan.test; unknownparam=1", true)]
    [InlineData("letsencrypt.org", false)]
    [InlineData(";", false)]
    [InlineData("", false)]
    [InlineData("ca.castellan.test; bad param", false)]
    [InlineData("ca_castellan!test", false)]
    public void Decide_issue_value_matches_only_our_identity(string value, bool permitted) =>
        Assert.Equal(permitted, Decide(false, new CaaProperty(0, "issue", value)).Permitted);

    [Fact]
    public void Decide_any_one_matching_issue_record_permits() =>
        Assert.True(Decide(false, new CaaProperty(0, "issue", "other.example"), new CaaProperty(0, "issue", "ca.castellan.test")).Permitted);

    [Fact]
    public void Decide_refusal_names_the_record_that_decided()
    {
        var verdict = Decide(false, new CaaProperty(0, "issue", "other-ca.example"));
        Assert.False(verdict.Permitted);
        Assert.Contains("example.com CAA 0 issue \"other-ca.example\"", verdict.Reason);
    }

    [Fact]
    public void Decide_wildcard_uses_issuewild_over_issue()
    {
        var rrset = new[] { new CaaProperty(0, "issue", "ca.castellan.test"), new CaaProperty(0, "issuewild", "other.example") };
        Assert.True(Decide(false, rrset).Permitted);
        Assert.False(Decide(true, rrset).Permitted);
    }

    [Fact]
    public void Decide_wildcard_falls_back_to_issue_without_issuewild()
    {
        Assert.False(Decide(true, new CaaProperty(0, "issue", "other.example")).Permitted);
        Assert.True(Decide(true, new CaaProperty(0, "issue", "ca.castellan.test")).Permitted);
    }

    [Fact]
    public void Decide_issuewild_alone_does_not_restrict_a_plain_name() =>
        Assert.True(Decide(false, new CaaProperty(0, "issuewild", ";")).Permitted);

    [Fact]
    public void Decide_rrset_with_only_iodef_permits() =>
        Assert.True(Decide(false, new CaaProperty(0, "iodef", "mailto:sec@example.com")).Permitted);

    [Fact]
    public void Decide_critical_unknown_tag_refuses_even_with_a_matching_issue()
    {
        var verdict = Decide(false, new CaaProperty(0, "issue", "ca.castellan.test"), new CaaProperty(128, "tbs", "unknown"));
        Assert.False(verdict.Permitted);
        Assert.Contains("critical", verdict.Reason);
    }

    [Fact]
    public void Decide_non_critical_unknown_tag_is_ignored() =>
        Assert.True(Decide(false, new CaaProperty(0, "issue", "ca.castellan.test"), new CaaProperty(0, "tbs", "unknown")).Permitted);

    [Fact]
    public void Decide_critical_known_tag_is_honoured() =>
        Assert.True(Decide(false, new CaaProperty(128, "issue", "ca.castellan.test")).Permitted);

    [Theory]
    [InlineData("www.shop.example.com", "www.shop.example.com,shop.example.com,example.com,com")]
    [InlineData("*.example.com", "example.com,com")]
    [InlineData("example.com.", "example.com,com")]
    public void ClimbingOrder_goes_from_the_name_to_the_tld(string name, string expected) =>
        Assert.Equal(expected.Split(','), CaaPolicy.ClimbingOrder(name));

    [Fact]
    public void ContactEmails_reads_contactemail_properties_only()
    {
        var emails = CaaPolicy.ContactEmails([new CaaProperty(0, "contactemail", "dns@example.com"), new CaaProperty(0, "iodef", "mailto:x@example.com"),
            new CaaProperty(0, "contactemail", "not-an-address")]);
        Assert.Equal(["dns@example.com"], emails);
    }
}
