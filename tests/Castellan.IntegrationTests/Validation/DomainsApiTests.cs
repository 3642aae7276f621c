using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Castellan.IntegrationTests.Registration;
using Castellan.IntegrationTests.Support;
using Castellan.Registration.Contracts;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Validation;

/// <summary>A registration server whose validation authority resolves through a real BIND and mails through a real SMTP sink.</summary>
public sealed class DomainsServer : RegistrationServer, IAsyncLifetime
{
    public BindDnsServer Dns { get; private set; } = null!;
    public SmtpSink Smtp { get; private set; } = null!;

    protected override string? DcvZone => null; // its own peers

    protected override IReadOnlyList<string> ExtraArguments =>
    [
        .. base.ExtraArguments,
        "--Castellan:Validation:DnsResolvers:0", Dns.Endpoint, "--Castellan:Validation:CaaIdentities:0", ValidationPeers.CaIdentity,
        // One SMTP configuration: the VA's emails go through the RA's outbox to the sink.
        "--Castellan:Smtp:Host", "127.0.0.1", "--Castellan:Smtp:Port", Smtp.Port.ToString(), "--Castellan:Smtp:Security", "None",
        "--Castellan:Smtp:From", "dcv@castellan.test", "--Castellan:Smtp:PollInterval", "00:00:00.200",
    ];

    async Task IAsyncLifetime.InitializeAsync()
    {
        Dns = await BindDnsServer.StartAsync("test", "denied IN CAA 0 issue \"other-ca.example\"");
        Smtp = await SmtpSink.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Dns.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    /// <summary>Mail is delivered from the outbox to the sink here, so activation links are read from the sink.</summary>
    public override async Task<string?> ActivationTokenAsync(string email)
    {
        var mail = await Smtp.WaitForAsync(email, m => SecurityServer.LinkIn(m) is not null);
        return Regex.Match(SecurityServer.LinkIn(mail)!, @"token=([A-Za-z0-9_-]+)").Groups[1].Value;
    }
}

public sealed class DomainsApiTests(DomainsServer server) : IClassFixture<DomainsServer>
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)] + ".test";

    private async Task<(string AccountId, HttpClient Admin)> TenantAsync()
    {
        var (accountId, adminId) = await server.CreateAccountAsync("enterprise");
        return (accountId, server.KeyClient(await server.NewKeyAsync(accountId, adminId)));
    }

    [Fact]
    public async Task Dns_txt_journey_pending_then_verified_with_expiry_and_audited()
    {
        var (_, admin) = await TenantAsync();
        var name = Unique("shop");
        using var added = await admin.PostAsJsonAsync("/api/v1/domains", new { name = name.ToUpperInvariant(), method = "dns-txt" });
        var domain = await Json(added, 201);
        var id = domain.GetProperty("id").GetString()!;
        Assert.Equal((name, "pending"), (domain.GetProperty("name").GetString(), domain.GetProperty("status").GetString()));
        var challenge = domain.GetProperty("challenge");
        Assert.Equal("_validation." + name, challenge.GetProperty("location").GetString());
        var value = challenge.GetProperty("value").GetString()!;

        // Not yet published: the verification fails with the DCV problem and the domain stays pending.
        using (var early = await admin.PostAsJsonAsync($"/api/v1/domains/{id}/verify", new { }))
        {
            var problem = await Json(early, 422);
            Assert.Equal("urn:castellan:problem:validation-failed", problem.GetProperty("type").GetString());
        }
        await server.Dns.AddAsync("_validation." + name, "TXT", $"\"{value}\"");
        using var verified = await admin.PostAsJsonAsync($"/api/v1/domains/{id}/verify", new { });
        var after = await Json(verified, 200);
        Assert.Equal("verified", after.GetProperty("status").GetString());
        Assert.True(after.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(9));
        Assert.Equal(JsonValueKind.Null, after.GetProperty("challenge").ValueKind);

        using var list = await admin.GetAsync("/api/v1/domains");
        Assert.Contains((await Json(list, 200)).EnumerateArray(), d => d.GetProperty("id").GetString() == id && d.GetProperty("status").GetString() == "verified");
        using var audit = await server.Client.GetAsync($"/api/v1/audit?action=domain.verified&target=domain:{id}");
        Assert.Contains(id, await audit.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Email_journey_the_value_from_the_sink_verifies_the_domain_and_a_wrong_value_does_not()
    {
        var (_, admin) = await TenantAsync();
        var name = Unique("mail");
        using var added = await admin.PostAsJsonAsync("/api/v1/domains", new { name, method = "email" });
        var id = (await Json(added, 201)).GetProperty("id").GetString()!;
        var mail = await server.Smtp.WaitForAsync("admin@" + name);
        var value = Regex.Match(mail.TextBody ?? "", @"^\s+([a-z2-7]{26})\s*$", RegexOptions.Multiline).Groups[1].Value;

        using (var wrong = await admin.PostAsJsonAsync($"/api/v1/domains/{id}/verify", new { value = "aaaaaaaaaaaaaaaaaaaaaaaaaa" })) await Json(wrong, 422);
        using var ok = await admin.PostAsJsonAsync($"/api/v1/domains/{id}/verify", new { value });
        Assert.Equal("verified", (await Json(ok, 200)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_domain_whose_CAA_names_another_CA_is_rejected()
    {
        var (_, admin) = await TenantAsync();
        using var added = await admin.PostAsJsonAsync("/api/v1/domains", new { name = "denied.test", method = "dns-txt" });
        var domain = await Json(added, 201);
        var id = domain.GetProperty("id").GetString()!;
        await server.Dns.AddAsync("_validation.denied.test", "TXT", $"\"{domain.GetProperty("challenge").GetProperty("value").GetString()}\"");
        using var verify = await admin.PostAsJsonAsync($"/api/v1/domains/{id}/verify", new { });
        Assert.Equal("urn:castellan:problem:caa", (await Json(verify, 403)).GetProperty("type").GetString());
        using var read = await admin.GetAsync($"/api/v1/domains/{id}");
        Assert.Equal("rejected", (await Json(read, 200)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("not a domain", "dns-txt")]
    [InlineData("-bad-.test", "dns-txt")]
    [InlineData("*.wild.test", "dns-txt")]
    [InlineData("127.0.0.1", "dns-txt")]
    [InlineData("single", "dns-txt")]
    [InlineData("fine.test", "http-01")]
    [InlineData("fine.test", "carrier-pigeon")]
    [InlineData("fine.test", null)]
    public async Task Bad_names_and_unknown_methods_are_400(string? name, string? method)
    {
        var (_, admin) = await TenantAsync();
        using var added = await admin.PostAsJsonAsync("/api/v1/domains", new { name, method });
        Assert.Equal("urn:castellan:problem:malformed-input", (await Json(added, 400)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Another_tenants_domain_is_not_found_and_a_basic_user_is_forbidden()
    {
        var (_, owner) = await TenantAsync();
        var (otherAccount, other) = await TenantAsync();
        var name = Unique("mine");
        using var added = await owner.PostAsJsonAsync("/api/v1/domains", new { name, method = "dns-txt" });
        var id = (await Json(added, 201)).GetProperty("id").GetString()!;
        using (var read = await other.GetAsync($"/api/v1/domains/{id}")) await Json(read, 404);
        using (var verify = await other.PostAsJsonAsync($"/api/v1/domains/{id}/verify", new { })) await Json(verify, 404);
        using (var delete = await other.DeleteAsync($"/api/v1/domains/{id}")) await Json(delete, 404);
        var basic = await server.AddMemberAsync(otherAccount, "basic-user");
        using (var list = await basic.Key.GetAsync("/api/v1/domains")) await Json(list, 403);
        using (var duplicate = await owner.PostAsJsonAsync("/api/v1/domains", new { name, method = "dns-txt" }))
            await Json(duplicate, 409);
    }

    [Fact]
    public async Task A_restricted_domain_refuses_orders_with_the_seed_message_and_cannot_be_added()
    {
        var (_, admin) = await TenantAsync();
        using (var restricted = await admin.PostAsJsonAsync("/api/v1/domains/restricted", new { name = "blocked.test" })) await Json(restricted, 201);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders")
        {
            Content = JsonContent.Create(new { productId = "prd_tls_server", sans = new[] { "dns:www.blocked.test" } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var order = await admin.SendAsync(request);
        // Refused before anything is priced or paid (the tenant has no credit at all).
        var problem = await Json(order, 422);
        Assert.Equal(DomainRestricted.Message, problem.GetProperty("detail").GetString());
        using (var domain = await admin.PostAsJsonAsync("/api/v1/domains", new { name = "shop.blocked.test", method = "dns-txt" })) await Json(domain, 422);

        // An unrelated name still orders, and lifting the restriction lets the name through again.
        using (var fine = await admin.PostAsJsonAsync("/api/v1/domains", new { name = Unique("free"), method = "dns-txt" })) await Json(fine, 201);
        using (var lifted = await admin.DeleteAsync("/api/v1/domains/restricted/blocked.test")) await Json(lifted, 204);
        using (var domain = await admin.PostAsJsonAsync("/api/v1/domains", new { name = "shop.blocked.test", method = "dns-txt" })) await Json(domain, 201);
    }
}
