using Castellan.IntegrationTests.Support;
using Castellan.Validation.Contracts;
using static Castellan.IntegrationTests.Validation.ValidationHarness;

namespace Castellan.IntegrationTests.Validation;

/// <summary>
/// CAA answers are reused for their DNS TTL and no longer (RFC 8659 §3, BR 3.2.2.8): a record added or changed in
/// BIND is enforced once the answer the VA holds has expired. Time is the harness's fake clock; BIND is real.
/// </summary>
public sealed class CaaCacheTests
{
    private const string CaIdentity = ValidationPeers.CaIdentity;

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static Dictionary<string, string?> Settings(BindDnsServer dns) => new()
    {
        ["DnsResolvers:0"] = dns.Endpoint,
        ["CaaIdentities:0"] = CaIdentity,
    };

    [Fact]
    public async Task A_CAA_record_added_is_enforced_once_the_negative_answer_expires_and_a_changed_one_once_its_TTL_expires()
    {
        // The zone's SOA has TTL 1 and MINIMUM 1: "no CAA here" may be reused for one second (RFC 2308 §5).
        await using var dns = await BindDnsServer.StartAsync("test");
        await using var h = await StartAsync(Settings(dns));
        var name = Unique("ttl") + ".test";

        Assert.False((await h.Va.CheckCaaAsync(Dns(name), default)).IsError);
        await dns.AddAsync(name, "CAA", "0 issue \"other-ca.example\"", ttl: 60);
        // Within the negative answer's TTL the VA still holds "no CAA": the cache is in use.
        Assert.False((await h.Va.CheckCaaAsync(Dns(name), default)).IsError);

        h.Time.Advance(TimeSpan.FromSeconds(2));
        var forbidden = await h.Va.CheckCaaAsync(Dns(name), default);
        Assert.Contains("other-ca.example", Assert.IsType<CaaForbids>(forbidden.Error).Detail);

        // The forbidding RRset has TTL 60: replaced in BIND, it is still the answer for 60 seconds, then the new one.
        await dns.DeleteAsync(name, "CAA");
        await dns.AddAsync(name, "CAA", $"0 issue \"{CaIdentity}\"", ttl: 60);
        h.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.IsType<CaaForbids>((await h.Va.CheckCaaAsync(Dns(name), default)).Error);
        h.Time.Advance(TimeSpan.FromSeconds(31));
        var allowed = await h.Va.CheckCaaAsync(Dns(name), default);
        Assert.False(allowed.IsError, allowed.Error?.Detail);
        Assert.Equal(name, allowed.Value.RelevantDomain);
    }

    [Fact]
    public async Task CaaCacheMaxAge_caps_the_TTL_and_zero_asks_the_resolver_every_time()
    {
        await using var dns = await BindDnsServer.StartAsync("test");
        var name = Unique("cap") + ".test";
        await dns.AddAsync(name, "CAA", "0 issue \"other-ca.example\"", ttl: 3600);

        var capped = Settings(dns);
        capped["CaaCacheMaxAge"] = "00:00:10";
        await using (var h = await StartAsync(capped))
        {
            Assert.IsType<CaaForbids>((await h.Va.CheckCaaAsync(Dns(name), default)).Error);
            await dns.DeleteAsync(name, "CAA");
            Assert.IsType<CaaForbids>((await h.Va.CheckCaaAsync(Dns(name), default)).Error); // held, within 10 s
            h.Time.Advance(TimeSpan.FromSeconds(11));
            Assert.False((await h.Va.CheckCaaAsync(Dns(name), default)).IsError); // the hour-long TTL was cut to 10 s
        }

        var off = Settings(dns);
        off["CaaCacheMaxAge"] = "00:00:00";
        await using (var h = await StartAsync(off))
        {
            Assert.False((await h.Va.CheckCaaAsync(Dns(name), default)).IsError);
            await dns.AddAsync(name, "CAA", "0 issue \"other-ca.example\"", ttl: 3600);
            Assert.IsType<CaaForbids>((await h.Va.CheckCaaAsync(Dns(name), default)).Error); // no clock moved: asked again
        }
    }
}
