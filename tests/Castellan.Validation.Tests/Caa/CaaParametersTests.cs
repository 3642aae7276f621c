using Castellan.Validation.Caa;
using Castellan.Validation.Contracts;

namespace Castellan.Validation.Tests.Caa;

/// <summary>RFC 8657 accounturi and validationmethods on issue/issuewild.</summary>
public sealed class CaaParametersTests
{
    private static readonly string[] Us = ["ca.castellan.test"];
    private const string Account = "https://ca.castellan.test/acme/default/acct/ac_1";
    private static readonly CaaRequester ByHttp = new(Account, ValidationMethod.Http01);

    private static CaaVerdict Decide(CaaRequester requester, bool wildcard, params CaaProperty[] rrset) =>
        CaaPolicy.Decide(rrset, wildcard, Us, "example.com", requester);

    private static CaaProperty Issue(string value) => new(0, "issue", value);

    [Fact]
    public void Parse_keeps_accounturi_with_its_colons_and_slashes()
    {
        var value = CaaIssueValue.Parse("ca.castellan.test; accounturi=" + Account + "; validationmethods=dns-01,http-01");
        Assert.NotNull(value);
        Assert.Equal(Account, value.Parameters["accounturi"]);
        Assert.Equal("dns-01,http-01", value.Parameters["validationmethods"]);
    }

    [Theory]
    [InlineData("ca.castellan.test; accounturi=" + Account, true)]
    [InlineData("ca.castellan.test; accounturi=https://ca.castellan.test/acme/default/acct/ac_2", false)]
    [InlineData("ca.castellan.test; accounturi=HTTPS://CA.CASTELLAN.TEST/acme/default/acct/ac_1", false)]
    [InlineData("ca.castellan.test; validationmethods=http-01", true)]
    [InlineData("ca.castellan.test; validationmethods=dns-01, http-01", true)]
    [InlineData("ca.castellan.test; validationmethods=dns-01,tls-alpn-01", false)]
    [InlineData("ca.castellan.test; accounturi=" + Account + "; validationmethods=dns-01", false)]
    [InlineData("ca.castellan.test; accounturi=" + Account + "; validationmethods=http-01", true)]
    public void Decide_honours_accounturi_and_validationmethods(string value, bool permitted) =>
        Assert.Equal(permitted, Decide(ByHttp, false, Issue(value)).Permitted);

    [Fact]
    public void Decide_refusal_says_which_parameter_did_not_fit()
    {
        var verdict = Decide(ByHttp, false, Issue("ca.castellan.test; accounturi=https://other/acct/9"));
        Assert.False(verdict.Permitted);
        Assert.Contains("https://other/acct/9", verdict.Reason);
        Assert.Contains(Account, verdict.Reason);

        var methods = Decide(ByHttp, false, Issue("ca.castellan.test; validationmethods=dns-01"));
        Assert.Contains("dns-01", methods.Reason);
        Assert.Contains("http-01", methods.Reason);
    }

    [Fact]
    public void Decide_another_record_without_parameters_still_authorizes() =>
        Assert.True(Decide(ByHttp, false, Issue("ca.castellan.test; accounturi=https://other/acct/9"), Issue("ca.castellan.test")).Permitted);

    [Fact]
    public void Decide_unknown_requester_is_refused_by_parameters_it_cannot_match()
    {
        Assert.False(Decide(CaaRequester.Unknown, false, Issue("ca.castellan.test; accounturi=" + Account)).Permitted);
        Assert.False(Decide(new CaaRequester(Account, null), false, Issue("ca.castellan.test; validationmethods=http-01")).Permitted);
    }

    [Fact]
    public void Decide_wildcard_applies_parameters_of_issuewild()
    {
        var rrset = new[] { Issue("ca.castellan.test"), new CaaProperty(0, "issuewild", "ca.castellan.test; validationmethods=dns-01") };
        Assert.False(Decide(ByHttp, true, rrset).Permitted);
        Assert.True(Decide(new CaaRequester(Account, ValidationMethod.Dns01), true, rrset).Permitted);
        Assert.True(Decide(ByHttp, false, rrset).Permitted);
    }

    [Fact]
    public void Decide_parameters_of_records_naming_other_cas_are_irrelevant() =>
        Assert.False(Decide(ByHttp, false, Issue("other.example; accounturi=" + Account)).Permitted);

    [Theory]
    [InlineData(ValidationMethod.DnsTxt, "ca-dns-txt", true)]
    [InlineData(ValidationMethod.DnsTxt, "dns-01", false)]
    [InlineData(ValidationMethod.HttpFile, "ca-http-file,ca-dns-txt", true)]
    [InlineData(ValidationMethod.HttpFile, "http-01", false)]
    [InlineData(ValidationMethod.ConstructedEmail, "ca-constructed-email", true)]
    [InlineData(ValidationMethod.CaaContactEmail, "ca-constructed-email", false)]
    [InlineData(ValidationMethod.CaaContactEmail, "ca-caa-contact-email", true)]
    [InlineData(ValidationMethod.TxtContactEmail, "dns-01, ca-txt-contact-email", true)]
    [InlineData(ValidationMethod.TlsAlpn01, "tls-alpn-01", true)]
    [InlineData(ValidationMethod.Dns01, "DNS-01", false)]
    public void Decide_matches_the_label_of_the_method_that_proved_control(ValidationMethod method, string listed, bool permitted) =>
        Assert.Equal(permitted, Decide(new CaaRequester(null, method), false, Issue($"ca.castellan.test; validationmethods={listed}")).Permitted);

    [Fact]
    public void Labels_are_distinct_ACME_names_or_ca_prefixed_and_parse_back()
    {
        var methods = Enum.GetValues<ValidationMethod>();
        var labels = methods.Select(ValidationMethodLabels.Of).ToList();
        Assert.Equal(methods.Length, labels.Distinct(StringComparer.Ordinal).Count());
        Assert.All(labels, l => Assert.True(l is "http-01" or "dns-01" or "tls-alpn-01" || l.StartsWith("ca-", StringComparison.Ordinal), l));
        Assert.All(methods, m => Assert.Equal(m, ValidationMethodLabels.Parse(ValidationMethodLabels.Of(m))));
        Assert.Null(ValidationMethodLabels.Parse("dns-account-01"));
    }
}
