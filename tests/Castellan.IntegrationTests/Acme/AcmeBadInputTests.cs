using System.Text.Json;

namespace Castellan.IntegrationTests.Acme;

/// <summary>Issue 4 "How it is checked": each bad request gets its RFC 8555 error type and changes nothing.</summary>
public sealed class AcmeBadInputTests(AcmeServer server) : IClassFixture<AcmeServer>
{
    private const string Malformed = "urn:ietf:params:acme:error:malformed";

    [Fact]
    public async Task A_replayed_nonce_is_badNonce_and_the_error_carries_a_fresh_nonce()
    {
        using var c = await server.ClientAsync();
        var nonce = await c.NonceAsync();
        Assert.Equal(200, (await c.PostAsync(c.Kid!, null, nonce: nonce)).Status);
        var replay = await c.PostAsync(c.Kid!, null, nonce: nonce);
        Assert.Equal((400, "urn:ietf:params:acme:error:badNonce"), (replay.Status, replay.ProblemType));
        Assert.False(string.IsNullOrEmpty(replay.Nonce));
        Assert.Equal(200, (await c.PostAsync(c.Kid!, null, nonce: replay.Nonce)).Status);
    }

    [Fact]
    public async Task A_JWS_url_other_than_the_request_URL_is_unauthorized()
    {
        using var c = await server.ClientAsync();
        var r = await c.PostAsync(c.Url("newOrder"), new { identifiers = new[] { new { type = "dns", value = "a.example.com" } } }, signedUrl: c.Url("revokeCert"));
        Assert.Equal("urn:ietf:params:acme:error:unauthorized", r.ProblemType);
        Assert.Empty(await OrdersOfAsync(c));
    }

    [Fact]
    public async Task An_unknown_kid_is_accountDoesNotExist()
    {
        using var c = await server.ClientAsync();
        c.Kid = c.Kid + "x";
        Assert.Equal("urn:ietf:params:acme:error:accountDoesNotExist", (await c.PostAsync(c.Url("newOrder"), new { identifiers = new[] { new { type = "dns", value = "a.example.com" } } })).ProblemType);
    }

    [Fact]
    public async Task A_bad_signature_is_malformed_and_burns_no_nonce()
    {
        using var c = await server.ClientAsync();
        var nonce = await c.NonceAsync();
        var body = JsonSerializer.Deserialize<Dictionary<string, string>>(AcmeTestClient.Sign(c.Url("newOrder"), """{"identifiers":[{"type":"dns","value":"a.example.com"}]}""", nonce, c.Key, c.Kid))!;
        var sig = body["signature"].ToCharArray();
        sig[10] = sig[10] == 'A' ? 'B' : 'A';
        body["signature"] = new string(sig);
        var r = await c.PostRawAsync(c.Url("newOrder"), JsonSerializer.Serialize(body));
        Assert.Equal(Malformed, r.ProblemType);
        Assert.Contains("signature", r.Json.GetProperty("detail").GetString());
        Assert.Empty(await OrdersOfAsync(c));
        Assert.Equal(200, (await c.PostAsync(c.Kid!, null, nonce: nonce)).Status); // the forged message did not use the nonce up
    }

    [Fact]
    public async Task An_unsupported_alg_is_badSignatureAlgorithm_listing_the_accepted_ones()
    {
        using var c = await server.ClientAsync();
        var body = AcmeTestClient.Sign(c.Kid!, "", await c.NonceAsync(), c.Key, c.Kid, alg: "HS256");
        var r = await c.PostRawAsync(c.Kid!, body);
        Assert.Equal("urn:ietf:params:acme:error:badSignatureAlgorithm", r.ProblemType);
        Assert.Contains("ES256", r.Json.GetProperty("algorithms").EnumerateArray().Select(a => a.GetString()));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"protected":"!!!","payload":"","signature":"AA"}""")]
    [InlineData("""{"protected":"e30","payload":"e30","signature":"AA=="}""")]
    [InlineData("[]")]
    public async Task Malformed_JSON_or_base64url_is_malformed(string body)
    {
        using var c = await server.ClientAsync(register: false);
        var r = await c.PostRawAsync(c.Url("newAccount"), body);
        Assert.Equal((400, Malformed), (r.Status, r.ProblemType));
    }

    [Fact]
    public async Task A_wrong_content_type_and_an_oversized_body_are_refused()
    {
        using var c = await server.ClientAsync(register: false);
        Assert.Equal(415, (await c.PostRawAsync(c.Url("newAccount"), "{}", "application/json")).Status);
        var big = await c.PostRawAsync(c.Url("newAccount"), "{\"protected\":\"" + new string('A', 200_000) + "\"}");
        Assert.Equal((413, Malformed), (big.Status, big.ProblemType));
    }

    [Fact]
    public async Task Finalize_before_ready_is_orderNotReady_and_a_CSR_with_other_names_is_badCSR_leaving_the_order_ready()
    {
        using var c = await server.ClientAsync();
        var pending = await c.PostAsync(c.Url("newOrder"), new { identifiers = new[] { new { type = "ip", value = "127.0.0.9" } } });
        var early = await c.PostAsync(pending.Json.GetProperty("finalize").GetString()!, new { csr = AcmeTestClient.B64(Csrs.New("ip:127.0.0.9").Der) });
        Assert.Equal((403, "urn:ietf:params:acme:error:orderNotReady"), (early.Status, early.ProblemType));

        var (url, ready) = await server.ReadyOrderAsync(c, null, "127.0.0.8");
        foreach (var names in new[] { new[] { "ip:127.0.0.8", "ip:127.0.0.7" }, new[] { "ip:127.0.0.7" }, new[] { "ip:127.0.0.8", "other.example.com" } })
        {
            var bad = await c.PostAsync(ready.GetProperty("finalize").GetString()!, new { csr = AcmeTestClient.B64(Csrs.New(names).Der) });
            Assert.Equal("urn:ietf:params:acme:error:badCSR", bad.ProblemType);
        }
        var garbage = await c.PostAsync(ready.GetProperty("finalize").GetString()!, new { csr = AcmeTestClient.B64(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x00 }) });
        Assert.Equal("urn:ietf:params:acme:error:badCSR", garbage.ProblemType);
        Assert.Equal("ready", (await c.PostAsync(url, null)).Json.GetProperty("status").GetString());
    }

    // The mutated-JWS storm lives in BadInput/AcmeBadInputScenarios (19 kinds of mutation over every resource, keyChange
    // included; every 4xx must be an ACME problem document and the account must still work afterwards).

    private static async Task<List<string>> OrdersOfAsync(AcmeTestClient c) =>
        (await c.PostAsync(c.Kid + "/orders", null)).Json.GetProperty("orders").EnumerateArray().Select(o => o.GetString()!).ToList();
}
