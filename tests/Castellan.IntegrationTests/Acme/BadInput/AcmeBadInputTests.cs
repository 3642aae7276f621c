using Castellan.IntegrationTests.Acme.RealClients;

namespace Castellan.IntegrationTests.Acme.BadInput;

[Trait("Peer", "acme")]
public sealed class CastellanAcmeBadInputTests(CastellanAcmeTarget target) : IClassFixture<CastellanAcmeTarget>
{
    [Fact]
    public Task Each_named_bad_request_gets_its_error_type_and_changes_nothing() => AcmeBadInputScenarios.Each_named_bad_request_gets_its_error_type_and_changes_nothing(target);

    [Fact]
    public Task Thousands_of_mutated_JWS_messages_get_no_server_error() => AcmeBadInputScenarios.Thousands_of_mutated_JWS_messages_get_no_server_error(target);
}

/// <summary>The generator and the expectations, run against pebble (CASTELLAN_TEST_PEBBLE=1).</summary>
[Trait("Peer", "pebble")]
public sealed class PebbleAcmeBadInputTests(PebbleAcmeTarget target) : IClassFixture<PebbleAcmeTarget>
{
    [PebbleFact]
    public Task Each_named_bad_request_gets_its_error_type_and_changes_nothing() => AcmeBadInputScenarios.Each_named_bad_request_gets_its_error_type_and_changes_nothing(target);

    [PebbleFact]
    public Task Thousands_of_mutated_JWS_messages_get_no_server_error() => AcmeBadInputScenarios.Thousands_of_mutated_JWS_messages_get_no_server_error(target, count: 1000);
}
