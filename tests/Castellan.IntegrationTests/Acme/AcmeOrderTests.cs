using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Castellan.IntegrationTests.Support;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Acme;

/// <summary>
/// RFC 8555 end to end through the running host with a hand-written client: http-01 on 127.0.0.1 (RFC 8738), finalize
/// through the RA, the chain checked with openssl, revocation both ways, ARI, EAB, key rollover, deactivation,
/// profiles and the per-account order limit.
/// </summary>
public sealed class AcmeOrderTests(AcmeServer server) : IClassFixture<AcmeServer>
{
    [Fact]
    public async Task Directory_and_newNonce_follow_RFC_8555_with_absolute_URLs_profiles_and_renewalInfo()
    {
        using var c = await server.ClientAsync(register: false);
        foreach (var name in new[] { "newNonce", "newAccount", "newOrder", "revokeCert", "keyChange", "renewalInfo" })
            Assert.StartsWith(server.BaseUrl + "/acme/default/", c.Url(name), StringComparison.Ordinal);
        var meta = c.Directory.GetProperty("meta");
        Assert.False(meta.GetProperty("externalAccountRequired").GetBoolean());
        Assert.Equal(["classic", "custom", "shortlived"], meta.GetProperty("profiles").EnumerateObject().Select(p => p.Name).Order().ToArray());

        using var http = new HttpClient();
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, c.Url("newNonce")));
        Assert.Equal(200, (int)head.StatusCode);
        Assert.Equal("no-store", head.Headers.CacheControl?.ToString());
        Assert.Single(head.Headers.GetValues("Replay-Nonce"));
        Assert.Contains(head.Headers.GetValues("Link"), l => l == $"<{server.DefaultDirectory}>;rel=\"index\"");
        using var get = await http.GetAsync(c.Url("newNonce"));
        Assert.Equal(204, (int)get.StatusCode);
    }

    [Fact]
    public async Task Full_order_over_http01_on_127_0_0_1_gives_a_chain_openssl_verifies_then_revocation_by_account_key_moves_the_ARI_window_to_now()
    {
        using var c = await server.ClientAsync();
        var sw = Stopwatch.StartNew();
        var (orderUrl, ready) = await server.ReadyOrderAsync(c, null, "127.0.0.1");
        var (csr, _) = Csrs.New("ip:127.0.0.1");
        var finalized = await c.PostAsync(ready.GetProperty("finalize").GetString()!, new { csr = AcmeTestClient.B64(csr) });
        Assert.True(finalized.Status == 200, finalized.ToString());
        Assert.Equal("valid", finalized.Json.GetProperty("status").GetString());
        Assert.Equal(orderUrl, finalized.Location);
        var cert = await c.PostAsync(finalized.Json.GetProperty("certificate").GetString()!, null);
        sw.Stop();
        Assert.Equal(200, cert.Status);
        Assert.Equal("application/pem-certificate-chain", cert.ContentType);
        Assert.Contains(cert.Links, l => l.EndsWith(";rel=\"up\"", StringComparison.Ordinal));

        var dir = TestPaths.NewDirectory("acme");
        var pems = Tools.SplitPem(cert.Body);
        Assert.True(pems.Count >= 3, "leaf, issuing CA and root");
        File.WriteAllText(Path.Combine(dir, "leaf.pem"), pems[0]);
        File.WriteAllText(Path.Combine(dir, "untrusted.pem"), string.Concat(pems.Skip(1).SkipLast(1)));
        File.WriteAllText(Path.Combine(dir, "root.pem"), pems[^1]);
        var verify = await Tools.OpenSslAsync("verify", "-CAfile", Path.Combine(dir, "root.pem"), "-untrusted", Path.Combine(dir, "untrusted.pem"),
            "-verify_ip", "127.0.0.1", Path.Combine(dir, "leaf.pem"));
        Assert.True(verify.ExitCode == 0, verify.All);

        // RFC 9773: before revocation the window is in the future (the last third of the validity).
        using var leaf = X509Certificate2.CreateFromPem(pems[0]);
        var certId = CertId(leaf);
        var before = await RenewalInfoAsync(c, certId);
        Assert.True(before.Start > DateTimeOffset.UtcNow.AddDays(1), $"window starts {before.Start}");
        Assert.True(before.Start < before.End && before.End < leaf.NotAfter.ToUniversalTime());

        var revoked = await c.PostAsync(c.Url("revokeCert"), new { certificate = AcmeTestClient.B64(leaf.RawData), reason = 4 });
        Assert.True(revoked.Status == 200, revoked.ToString());
        var after = await RenewalInfoAsync(c, certId);
        Assert.True(after.Start <= DateTimeOffset.UtcNow, $"window after revocation starts {after.Start}");

        var again = await c.PostAsync(c.Url("revokeCert"), new { certificate = AcmeTestClient.B64(leaf.RawData) });
        Assert.Equal("urn:ietf:params:acme:error:alreadyRevoked", again.ProblemType);
        var status = await Tools.OpenSslAsync("x509", "-in", Path.Combine(dir, "leaf.pem"), "-noout", "-serial");
        using var api = await server.Client.GetAsync("/api/v1/certificates/" + status.StdOut.Trim()["serial=".Length..]);
        Assert.Contains("Revoked", await api.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Console.WriteLine($"ACME full order (ready->finalize->download) took {sw.ElapsedMilliseconds} ms");
    }

    /// <summary>
    /// RFC 8738 §6 through the ACME server: an ip identifier is offered tls-alpn-01 (and never dns-01); the client's TLS
    /// server on loopback (.NET SslStream with ALPN acme-tls/1, an iPAddress certificate: lego 4.9 sends addresses as
    /// dns identifiers, so it cannot do this) is reached with the in-addr.arpa SNI; the certificate names the address.
    /// </summary>
    [Fact]
    public async Task An_IP_identifier_is_validated_by_tls_alpn01_with_the_reverse_DNS_SNI_and_issued()
    {
        using var c = await server.ClientAsync();
        var created = await c.PostAsync(c.Url("newOrder"), new { identifiers = new[] { new { type = "ip", value = "127.0.0.1" } } });
        Assert.True(created.Status == 201, created.ToString());
        var authz = (await c.PostAsync(created.Json.GetProperty("authorizations")[0].GetString()!, null)).Json;
        var types = authz.GetProperty("challenges").EnumerateArray().Select(ch => ch.GetProperty("type").GetString()).ToList();
        Assert.Equal(["http-01", "tls-alpn-01"], types.Order(StringComparer.Ordinal));
        var challenge = authz.GetProperty("challenges").EnumerateArray().First(ch => ch.GetProperty("type").GetString() == "tls-alpn-01");
        var token = challenge.GetProperty("token").GetString()!;

        await using var responder = Castellan.IntegrationTests.Validation.TlsAlpnResponder.Start("127.0.0.1", token + "." + c.Key.Thumbprint, port: server.TlsAlpnPort);
        var started = await c.PostAsync(challenge.GetProperty("url").GetString()!, new { });
        Assert.True(started.Status == 200, started.ToString());
        var ready = await AcmeServer.PollAsync(c, created.Location!, "ready");
        Assert.Contains("1.0.0.127.in-addr.arpa", responder.ServerNames);
        var validated = (await c.PostAsync(challenge.GetProperty("url").GetString()!, null)).Json;
        Assert.Equal("valid", validated.GetProperty("status").GetString());

        var (csr, _) = Csrs.New("ip:127.0.0.1");
        var finalized = await c.PostAsync(ready.GetProperty("finalize").GetString()!, new { csr = AcmeTestClient.B64(csr) });
        Assert.True(finalized.Status == 200, finalized.ToString());
        var chain = await c.PostAsync(finalized.Json.GetProperty("certificate").GetString()!, null);
        using var leaf = X509Certificate2.CreateFromPem(Tools.SplitPem(chain.Body)[0]);
        var san = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal([System.Net.IPAddress.Loopback], san.EnumerateIPAddresses());
    }

    [Fact]
    public async Task Revocation_signed_by_the_certificate_key_is_accepted_and_by_a_stranger_refused()
    {
        using var c = await server.ClientAsync();
        var (_, ready) = await server.ReadyOrderAsync(c, null, "127.0.0.2");
        var (csr, certKey) = Csrs.New("ip:127.0.0.2");
        var done = await c.PostAsync(ready.GetProperty("finalize").GetString()!, new { csr = AcmeTestClient.B64(csr) });
        var chain = await c.PostAsync(done.Json.GetProperty("certificate").GetString()!, null);
        using var leaf = X509Certificate2.CreateFromPem(Tools.SplitPem(chain.Body)[0]);

        using var stranger = await server.ClientAsync();
        var refused = await stranger.PostAsync(stranger.Url("revokeCert"), new { certificate = AcmeTestClient.B64(leaf.RawData) });
        Assert.Equal("urn:ietf:params:acme:error:unauthorized", refused.ProblemType);
        var badReason = await c.PostAsync(c.Url("revokeCert"), new { certificate = AcmeTestClient.B64(leaf.RawData), reason = 6 });
        Assert.Equal("urn:ietf:params:acme:error:badRevocationReason", badReason.ProblemType);

        var byKey = await c.PostAsync(c.Url("revokeCert"), new { certificate = AcmeTestClient.B64(leaf.RawData), reason = 1 }, useJwk: true, key: AccountKey.FromEc(certKey));
        Assert.True(byKey.Status == 200, byKey.ToString());
    }

    [Fact]
    public async Task Profile_selection_sets_the_lifetime_unknown_profiles_are_refused_and_notAfter_is_honoured_only_where_the_profile_allows()
    {
        using var c = await server.ClientAsync();
        var unknown = await c.PostAsync(c.Url("newOrder"), new { identifiers = new[] { new { type = "ip", value = "127.0.0.3" } }, profile = "nope" });
        Assert.Equal("urn:ietf:params:acme:error:invalidProfile", unknown.ProblemType);
        var refused = await c.PostAsync(c.Url("newOrder"), new { identifiers = new[] { new { type = "ip", value = "127.0.0.3" } }, notAfter = DateTimeOffset.UtcNow.AddDays(5).ToString("O") });
        Assert.Equal("urn:ietf:params:acme:error:malformed", refused.ProblemType);

        var (_, ready) = await server.ReadyOrderAsync(c, new { profile = "shortlived" }, "127.0.0.3");
        Assert.Equal("shortlived", ready.GetProperty("profile").GetString());
        var done = await c.PostAsync(ready.GetProperty("finalize").GetString()!, new { csr = AcmeTestClient.B64(Csrs.New("ip:127.0.0.3").Der) });
        var chain = await c.PostAsync(done.Json.GetProperty("certificate").GetString()!, null);
        using var leaf = X509Certificate2.CreateFromPem(Tools.SplitPem(chain.Body)[0]);
        Assert.InRange((leaf.NotAfter - leaf.NotBefore).TotalDays, 2.9, 3.1);

        var custom = await c.PostAsync(c.Url("newOrder"), new { identifiers = new[] { new { type = "ip", value = "127.0.0.3" } }, profile = "custom", notAfter = DateTimeOffset.UtcNow.AddDays(5).ToString("O") });
        Assert.True(custom.Status == 201, custom.ToString());
    }

    [Fact]
    public async Task Key_rollover_moves_the_account_to_the_new_key_and_the_old_key_no_longer_signs_for_it()
    {
        using var c = await server.ClientAsync();
        var oldKey = c.Key;
        var newKey = AccountKey.New("RS256");
        var inner = AcmeTestClient.Sign(c.Url("keyChange"), JsonSerializer.Serialize(new { account = c.Kid, oldKey = JsonDocument.Parse(oldKey.Jwk).RootElement }), null, newKey, null);
        var changed = await c.PostRawAsync(c.Url("keyChange"), AcmeTestClient.Sign(c.Url("keyChange"), inner, await c.NonceAsync(), oldKey, c.Kid));
        Assert.True(changed.Status == 200, changed.ToString());

        var withOld = await c.PostAsync(c.Kid!, null);
        Assert.Equal("urn:ietf:params:acme:error:badSignatureAlgorithm", withOld.ProblemType); // an ES256 JWS for what is now an RSA account key
        c.Key = newKey;
        Assert.Equal(200, (await c.PostAsync(c.Kid!, null)).Status);
        var existing = await c.PostAsync(c.Url("newAccount"), new { onlyReturnExisting = true }, useJwk: true);
        Assert.Equal((200, c.Kid), (existing.Status, existing.Location));

        c.Key = oldKey;
        var gone = await c.PostAsync(c.Url("newAccount"), new { onlyReturnExisting = true }, useJwk: true);
        Assert.Equal("urn:ietf:params:acme:error:accountDoesNotExist", gone.ProblemType);
    }

    [Fact]
    public async Task A_deactivated_account_can_do_nothing_more()
    {
        using var c = await server.ClientAsync();
        var deactivated = await c.PostAsync(c.Kid!, new { status = "deactivated" });
        Assert.Equal("deactivated", deactivated.Json.GetProperty("status").GetString());
        var order = await c.PostAsync(c.Url("newOrder"), new { identifiers = new[] { new { type = "ip", value = "127.0.0.4" } } });
        Assert.Equal("urn:ietf:params:acme:error:unauthorized", order.ProblemType);
    }

    [Fact]
    public async Task The_per_account_order_limit_answers_rateLimited_with_Retry_After()
    {
        using var c = await server.ClientAsync();
        for (var i = 0; i < AcmeServer.OrdersPerAccount; i++)
            Assert.Equal(201, (await c.PostAsync(c.Url("newOrder"), new { identifiers = new[] { new { type = "dns", value = $"n{i}.example.com" } } })).Status);
        var limited = await c.PostAsync(c.Url("newOrder"), new { identifiers = new[] { new { type = "dns", value = "more.example.com" } } });
        Assert.Equal((429, "urn:ietf:params:acme:error:rateLimited"), (limited.Status, limited.ProblemType));
        Assert.NotNull(limited.RetryAfter);
    }

    [Fact]
    public async Task Wildcards_are_offered_only_dns01_and_IP_addresses_no_dns01()
    {
        using var c = await server.ClientAsync();
        var order = await c.PostAsync(c.Url("newOrder"), new { identifiers = new object[] { new { type = "dns", value = "*.example.org" }, new { type = "ip", value = "192.0.2.7" } } });
        Assert.Equal(201, order.Status);
        var types = new List<string[]>();
        foreach (var a in order.Json.GetProperty("authorizations").EnumerateArray())
            types.Add((await c.PostAsync(a.GetString()!, null)).Json.GetProperty("challenges").EnumerateArray().Select(ch => ch.GetProperty("type").GetString()!).ToArray());
        Assert.Equal(["dns-01"], types[0]);
        Assert.Equal(["http-01", "tls-alpn-01"], types[1]);
        var unsupported = await c.PostAsync(c.Url("newOrder"), new { identifiers = new[] { new { type = "email", value = "a@example.com" } } });
        Assert.Equal("urn:ietf:params:acme:error:unsupportedIdentifier", unsupported.ProblemType);
        var rejected = await c.PostAsync(c.Url("newOrder"), new { identifiers = new[] { new { type = "dns", value = "bad..name" } } });
        Assert.Equal("urn:ietf:params:acme:error:rejectedIdentifier", rejected.ProblemType);
    }

    [Fact]
    public async Task Revoked_EAB_credentials_bind_no_new_account_are_listed_without_their_HMAC_key_and_stay_in_their_tenant()
    {
        var (accountId, _) = await server.CreateAccountAsync("enterprise");
        var (otherId, otherAdmin) = await server.CreateAccountAsync("enterprise");
        var eab = await Json(await server.Client.PostAsJsonAsync($"/api/v1/accounts/{accountId}/eab-credentials", new { }), 201);
        var keyId = eab.GetProperty("keyId").GetString()!;
        var hmac = eab.GetProperty("hmacKey").GetString()!;

        using (var listed = await server.Client.GetAsync($"/api/v1/accounts/{accountId}/eab-credentials"))
        {
            var body = await listed.Content.ReadAsStringAsync();
            Assert.DoesNotContain(hmac, body);
            var entry = JsonDocument.Parse(body).RootElement.EnumerateArray().Single();
            Assert.Equal((keyId, JsonValueKind.Null), (entry.GetProperty("keyId").GetString(), entry.GetProperty("revokedAt").ValueKind));
        }
        // Another tenant neither sees nor revokes it: the account answers 404.
        using var other = server.KeyClient(await server.NewKeyAsync(otherId, otherAdmin));
        await Json(await other.GetAsync($"/api/v1/accounts/{accountId}/eab-credentials"), 404);
        await Json(await other.DeleteAsync($"/api/v1/accounts/{otherId}/eab-credentials/{keyId}"), 404);

        await Json(await server.Client.DeleteAsync($"/api/v1/accounts/{accountId}/eab-credentials/{keyId}"), 204);
        await Json(await server.Client.DeleteAsync($"/api/v1/accounts/{accountId}/eab-credentials/{keyId}"), 409);
        var after = (await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{accountId}/eab-credentials")).EnumerateArray().Single();
        Assert.Equal(JsonValueKind.String, after.GetProperty("revokedAt").ValueKind);
        var audit = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=acme.eab-revoked&target=account:{accountId}");
        Assert.Contains(keyId, audit.EnumerateArray().Single().GetProperty("detailsJson").GetString(), StringComparison.Ordinal);

        using var c = await server.ClientAsync(server.EabDirectory, register: false);
        var refused = await c.NewAccountAsync(new { externalAccountBinding = JsonDocument.Parse(c.ExternalAccountBinding(keyId, hmac)).RootElement });
        Assert.Equal("urn:ietf:params:acme:error:unauthorized", refused.ProblemType);
    }

    [Fact]
    public async Task EAB_directory_refuses_accounts_without_binding_or_with_a_wrong_key_and_bound_orders_are_RA_orders_paid_from_the_account()
    {
        using var c = await server.ClientAsync(server.EabDirectory, register: false);
        Assert.True(c.Directory.GetProperty("meta").GetProperty("externalAccountRequired").GetBoolean());
        Assert.Equal("urn:ietf:params:acme:error:externalAccountRequired", (await c.NewAccountAsync()).ProblemType);

        var (accountId, _) = await server.CreateAccountAsync("enterprise");
        using var credit = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/billing/accounts/{accountId}/credits") { Content = JsonContent.Create(new { amountMinor = 10_000, currency = "USD", paymentReference = "acme test" }) };
        credit.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        await Json(await server.Client.SendAsync(credit), 201);
        var eab = await Json(await server.Client.PostAsJsonAsync($"/api/v1/accounts/{accountId}/eab-credentials", new { }), 201);
        var keyId = eab.GetProperty("keyId").GetString()!;
        var hmac = eab.GetProperty("hmacKey").GetString()!;

        var wrong = await c.NewAccountAsync(new { externalAccountBinding = JsonDocument.Parse(c.ExternalAccountBinding(keyId, AcmeTestClient.B64(new byte[32]))).RootElement });
        Assert.Equal("urn:ietf:params:acme:error:unauthorized", wrong.ProblemType);
        var bound = await c.NewAccountAsync(new { externalAccountBinding = JsonDocument.Parse(c.ExternalAccountBinding(keyId, hmac)).RootElement });
        Assert.True(bound.Status == 201, bound.ToString());
        Assert.Equal(keyId, bound.Json.GetProperty("externalAccountBinding").GetProperty("keyId").GetString());

        var (_, ready) = await server.ReadyOrderAsync(c, null, "127.0.0.5");
        var done = await c.PostAsync(ready.GetProperty("finalize").GetString()!, new { csr = AcmeTestClient.B64(Csrs.New("ip:127.0.0.5").Der) });
        Assert.True(done.Status == 200, done.ToString());

        var orders = await Json(await server.Client.GetAsync($"/api/v1/orders?account={accountId}"), 200);
        var raOrder = orders.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("fulfilled", raOrder.GetProperty("status").GetString());
        var balance = await Json(await server.Client.GetAsync($"/api/v1/billing/accounts/{accountId}/balance"), 200);
        Assert.Equal(10_000 - raOrder.GetProperty("priceMinor").GetInt64(), balance.GetProperty("amountMinor").GetInt64());
    }

    private static string CertId(X509Certificate2 leaf)
    {
        var aki = leaf.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.ToArray();
        return AcmeTestClient.B64(aki) + "." + AcmeTestClient.B64(leaf.SerialNumberBytes.Span);
    }

    private static async Task<(DateTimeOffset Start, DateTimeOffset End)> RenewalInfoAsync(AcmeTestClient c, string certId)
    {
        using var http = new HttpClient();
        using var r = await http.GetAsync(c.Url("renewalInfo") + "/" + certId);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        Assert.NotNull(r.Headers.RetryAfter);
        var w = JsonDocument.Parse(body).RootElement.GetProperty("suggestedWindow");
        return (DateTimeOffset.Parse(w.GetProperty("start").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(w.GetProperty("end").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }
}
