using Castellan.IntegrationTests.Support;
using Castellan.Validation.Contracts;
using static Castellan.IntegrationTests.Validation.ValidationHarness;

namespace Castellan.IntegrationTests.Validation;

/// <summary>The signed zone "signed" (good, bogus, other) and the unsigned zone "plain", behind one validating resolver.</summary>
public sealed class DnssecPeers : IAsyncLifetime
{
    public DnssecDnsServers Dns { get; private set; } = null!;

    public async Task InitializeAsync() => Dns = await DnssecDnsServers.StartAsync("signed",
    [
        "good IN CAA 0 issue \"ca.castellan.test\"",
        "bogus IN CAA 0 issue \"ca.castellan.test\"",
        "other IN CAA 0 issue \"other-ca.example\"",
    ], ["bogus"], "plain");

    public async Task DisposeAsync() => await Dns.DisposeAsync();

    public Dictionary<string, string?> Settings(bool requireAd = false) => new()
    {
        ["DnsResolvers:0"] = Dns.ResolverEndpoint,
        ["CaaIdentities:0"] = "ca.castellan.test",
        ["RequireAuthenticatedData"] = requireAd ? "true" : "false",
    };
}

/// <summary>
/// RFC 8659 §4.1 / BR 3.2.2.8 (SC-085v2): CAA through a real validating BIND and a real signed zone. A CAA RRset whose
/// signature does not verify is not permission: the resolver answers SERVFAIL and the VA refuses, also when the bogus
/// set is only reached by climbing. With RequireAuthenticatedData an unsigned zone's answer (no AD) refuses too.
/// </summary>
public sealed class DnssecCaaTests(DnssecPeers peers) : IClassFixture<DnssecPeers>
{
    [Fact]
    public async Task A_validated_CAA_set_decides_and_a_bogus_one_refuses_even_when_reached_by_climbing()
    {
        Assert.Contains(" ad", (await peers.Dns.DigAsync("good.signed", "CAA")).Split('\n').First(l => l.StartsWith(";; flags:", StringComparison.Ordinal)));
        await using var h = await StartAsync(peers.Settings());

        var good = await h.Va.CheckCaaAsync(Dns("www.good.signed"), default);
        Assert.False(good.IsError, good.Error?.Detail);
        Assert.Equal("good.signed", good.Value.RelevantDomain);

        Assert.IsType<CaaForbids>((await h.Va.CheckCaaAsync(Dns("other.signed"), default)).Error);

        foreach (var name in new[] { "bogus.signed", "www.bogus.signed" })
        {
            var bogus = await h.Va.CheckCaaAsync(Dns(name), default);
            var failed = Assert.IsType<ValidationFailed>(bogus.Error);
            Assert.Equal(ValidationFailureKind.Dns, failed.Kind);
            Assert.Contains("bogus.signed failed: SERVFAIL", failed.Detail);
            Assert.Contains("not permission", failed.Detail);
        }

        // Without RequireAuthenticatedData an unsigned zone is CAA-checked as usual (insecure is not bogus).
        Assert.False((await h.Va.CheckCaaAsync(Dns("good.plain"), default)).IsError);
    }

    [Fact]
    public async Task RequireAuthenticatedData_refuses_an_unsigned_zone_and_still_accepts_a_signed_one()
    {
        await using var h = await StartAsync(peers.Settings(requireAd: true));
        var signed = await h.Va.CheckCaaAsync(Dns("www.good.signed"), default);
        Assert.False(signed.IsError, signed.Error?.Detail);

        var plain = await h.Va.CheckCaaAsync(Dns("good.plain"), default);
        Assert.Contains("not DNSSEC-authenticated", Assert.IsType<ValidationFailed>(plain.Error).Detail);
    }
}
