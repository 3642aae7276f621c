namespace Castellan.IntegrationTests.Acme.RealClients;

/// <summary>The pebble runs prove the client runner and the scenarios; they run only with CASTELLAN_TEST_PEBBLE=1
/// (Acme/RealClients/run-against-pebble.sh), so the default run stays short.</summary>
public sealed class PebbleFactAttribute : FactAttribute
{
    public const string Variable = "CASTELLAN_TEST_PEBBLE";

    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";

    public PebbleFactAttribute()
    {
        if (!Enabled) Skip = $"runs against pebble only with {Variable}=1 (Acme/RealClients/run-against-pebble.sh)";
    }
}

[Trait("Peer", "acme")]
[Trait("Category", "E2E")]
public sealed class CastellanRealClientTests(CastellanAcmeTarget target) : IClassFixture<CastellanAcmeTarget>
{
    [Fact]
    public Task Certbot_http01_obtains_renews_and_revokes() => RealClientScenarios.Certbot_http01_obtains_renews_and_revokes(target);

    [Fact]
    public Task Certbot_dns01_through_rfc2136_obtains_a_wildcard() => RealClientScenarios.Certbot_dns01_through_rfc2136_obtains_a_wildcard(target);

    [Fact]
    public Task Lego_http01_obtains_renews_and_revokes() => RealClientScenarios.Lego_http01_obtains_renews_and_revokes(target);

    [Fact]
    public Task Lego_tls_alpn01_obtains() => RealClientScenarios.Lego_tls_alpn01_obtains(target);

    [Fact]
    public Task Lego_dns01_through_rfc2136_obtains_a_wildcard() => RealClientScenarios.Lego_dns01_through_rfc2136_obtains_a_wildcard(target);

    [Fact]
    public Task Caa_naming_another_ca_blocks_issuance_and_a_matching_one_allows_it() =>
        RealClientScenarios.Caa_naming_another_ca_blocks_issuance_and_a_matching_one_allows_it(target);

    [Fact]
    public Task Caa_validationmethods_is_checked_against_the_method_of_a_reused_authorization() =>
        RealClientScenarios.Caa_validationmethods_is_checked_against_the_method_of_a_reused_authorization(target);

    [Fact]
    public Task Caa_parameters_restrict_the_method_and_the_account() =>
        RealClientScenarios.Caa_parameters_restrict_the_method_and_the_account(target);
}

[Trait("Peer", "acme")]
[Trait("Category", "E2E")]
public sealed class CastellanRealClientWithEabTests(CastellanAcmeWithEabTarget target) : IClassFixture<CastellanAcmeWithEabTarget>
{
    [Fact]
    public Task Certbot_http01_with_EAB_obtains_renews_and_revokes() => RealClientScenarios.Certbot_http01_obtains_renews_and_revokes(target);

    [Fact]
    public Task Lego_http01_with_EAB_obtains_renews_and_revokes() => RealClientScenarios.Lego_http01_obtains_renews_and_revokes(target);

    [Fact]
    public Task Lego_dns01_with_EAB_obtains_a_wildcard() => RealClientScenarios.Lego_dns01_through_rfc2136_obtains_a_wildcard(target);

    [Fact]
    public Task Registration_without_EAB_is_refused() => RealClientScenarios.Registration_without_EAB_is_refused(target);
}

[Trait("Peer", "pebble")]
public sealed class PebbleRealClientTests(PebbleAcmeTarget target) : IClassFixture<PebbleAcmeTarget>
{
    [PebbleFact]
    public Task Certbot_http01_obtains_renews_and_revokes() => RealClientScenarios.Certbot_http01_obtains_renews_and_revokes(target);

    [PebbleFact]
    public Task Certbot_dns01_through_rfc2136_obtains_a_wildcard() => RealClientScenarios.Certbot_dns01_through_rfc2136_obtains_a_wildcard(target);

    [PebbleFact]
    public Task Lego_http01_obtains_renews_and_revokes() => RealClientScenarios.Lego_http01_obtains_renews_and_revokes(target);

    [PebbleFact]
    public Task Lego_tls_alpn01_obtains() => RealClientScenarios.Lego_tls_alpn01_obtains(target);

    [PebbleFact]
    public Task Lego_dns01_through_rfc2136_obtains_a_wildcard() => RealClientScenarios.Lego_dns01_through_rfc2136_obtains_a_wildcard(target);
}

[Trait("Peer", "pebble")]
public sealed class PebbleRealClientWithEabTests(PebbleAcmeWithEabTarget target) : IClassFixture<PebbleAcmeWithEabTarget>
{
    [PebbleFact]
    public Task Certbot_http01_with_EAB_obtains_renews_and_revokes() => RealClientScenarios.Certbot_http01_obtains_renews_and_revokes(target);

    [PebbleFact]
    public Task Lego_http01_with_EAB_obtains_renews_and_revokes() => RealClientScenarios.Lego_http01_obtains_renews_and_revokes(target);

    [PebbleFact]
    public Task Registration_without_EAB_is_refused() => RealClientScenarios.Registration_without_EAB_is_refused(target);
}
