using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.Acme;

/// <summary>The ACME server with orders and authorizations that live a few seconds, so expiry can be waited out.</summary>
public sealed class ShortLivedAcmeServer : AcmeServer
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(8);

    protected override IReadOnlyList<string> ExtraArguments =>
    [
        .. base.ExtraArguments,
        "--Castellan:Acme:OrderLifetime", Lifetime.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        "--Castellan:Acme:AuthorizationLifetime", Lifetime.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        "--Castellan:Acme:ExpirySweepInterval", "00:00:01",
    ];
}

/// <summary>RFC 8555 §7.1.6: a pending or ready order past its expiry is invalid, a pending authorization expired.</summary>
public sealed class AcmeExpiryTests(ShortLivedAcmeServer server) : IClassFixture<ShortLivedAcmeServer>
{
    [Fact]
    public async Task Orders_and_authorizations_past_their_expiry_are_invalid_and_expired_and_cannot_be_finalized_or_answered()
    {
        using var c = await server.ClientAsync();
        // A ready order (its authorization validated by http-01) and a pending one whose challenge nobody answers.
        var (readyUrl, ready) = await server.ReadyOrderAsync(c, null, "127.0.0.1");
        var created = await c.PostAsync(c.Url("newOrder"), new { identifiers = new[] { new { type = "ip", value = "127.0.0.2" } } });
        Assert.True(created.Status == 201, created.ToString());
        Assert.Equal("pending", created.Json.GetProperty("status").GetString());
        var pendingUrl = created.Location!;
        var authzUrl = created.Json.GetProperty("authorizations")[0].GetString()!;
        var expires = DateTimeOffset.Parse(created.Json.GetProperty("expires").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(expires <= DateTimeOffset.UtcNow + ShortLivedAcmeServer.Lifetime, $"the order expires at {expires}, later than the configured lifetime");

        var wait = expires - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);

        // Polling an expired order answers invalid (both the pending and the ready one), without Retry-After.
        var pending = await c.PostAsync(pendingUrl, null);
        Assert.Equal("invalid", pending.Json.GetProperty("status").GetString());
        Assert.Null(pending.RetryAfter);
        var wasReady = await c.PostAsync(readyUrl, null);
        Assert.Equal("invalid", wasReady.Json.GetProperty("status").GetString());

        // The pending authorization is expired and its challenge can no longer be answered.
        var authz = await c.PostAsync(authzUrl, null);
        Assert.Equal("expired", authz.Json.GetProperty("status").GetString());
        var http01 = authz.Json.GetProperty("challenges").EnumerateArray().First(ch => ch.GetProperty("type").GetString() == "http-01");
        var answered = await c.PostAsync(http01.GetProperty("url").GetString()!, new { });
        Assert.Equal(400, answered.Status);
        Assert.Equal("urn:ietf:params:acme:error:malformed", answered.ProblemType);

        // Finalize of the once-ready order: orderNotReady (RFC 8555 §7.4), and no certificate.
        var finalized = await c.PostAsync(ready.GetProperty("finalize").GetString()!, new { csr = AcmeTestClient.B64(Csrs.New("ip:127.0.0.1").Der) });
        Assert.Equal(403, finalized.Status);
        Assert.Equal("urn:ietf:params:acme:error:orderNotReady", finalized.ProblemType);
        var after = await c.PostAsync(readyUrl, null);
        Assert.Equal("invalid", after.Json.GetProperty("status").GetString());
        Assert.False(after.Json.TryGetProperty("certificate", out var cert) && cert.ValueKind == System.Text.Json.JsonValueKind.String);

        // The sweep (every second here) writes the same into the rows.
        var probe = DatabaseProbe.Sqlite(server.DataDirectory);
        var orderIds = $"'{readyUrl[(readyUrl.LastIndexOf('/') + 1)..]}', '{pendingUrl[(pendingUrl.LastIndexOf('/') + 1)..]}'";
        var authzId = authzUrl[(authzUrl.LastIndexOf('/') + 1)..];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long swept;
        do
        {
            swept = await probe.CountAsync($"FROM acme_orders WHERE \"Id\" IN ({orderIds}) AND \"Status\" = 'invalid'")
                + await probe.CountAsync($"FROM acme_authorizations WHERE \"Id\" = '{authzId}' AND \"Status\" = 'expired'");
            if (swept == 3) break;
            await Task.Delay(200);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(3, swept);
    }
}
