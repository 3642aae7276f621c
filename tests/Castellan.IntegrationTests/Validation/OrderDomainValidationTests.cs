using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Castellan.IntegrationTests.Support;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Validation;

/// <summary>
/// Domain control and CAA for RA orders (docs/flows/orders.md "Domain control"), end to end through HTTP against the
/// real validation authority: names resolve through a real BIND (TSIG-signed updates publish the values), emails go
/// through the RA outbox to a real SMTP sink, certificates are checked with openssl.
/// </summary>
/// <summary>
/// A registration server whose VA resolves the "com" zone of a real BIND (tls-server refuses reserved names such as
/// .test), with "denied.com" naming another CA in CAA, and whose outbox mails through a real SMTP sink.
/// </summary>
public class DcvOrdersServer : Castellan.IntegrationTests.Registration.RegistrationServer
{
    public SmtpSink Smtp { get; private set; } = null!;

    public BindDnsServer Dns => DcvDns!;

    protected override string[] DcvRecords => ["denied IN CAA 0 issue \"other-ca.example\""];

    protected override IReadOnlyList<string> ExtraArguments =>
    [
        .. base.ExtraArguments,
        "--Castellan:Smtp:Host", "127.0.0.1", "--Castellan:Smtp:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--Castellan:Smtp:Security", "None", "--Castellan:Smtp:From", "dcv@castellan.test", "--Castellan:Smtp:PollInterval", "00:00:00.200",
    ];

    protected override async Task BeforeStartAsync()
    {
        Smtp = await SmtpSink.StartAsync();
        await base.BeforeStartAsync();
    }

    protected override async ValueTask AfterStopAsync()
    {
        await base.AfterStopAsync();
        await Smtp.DisposeAsync();
    }

    /// <summary>Mail is delivered from the outbox to the sink here, so activation links are read from the sink.</summary>
    public override async Task<string?> ActivationTokenAsync(string email)
    {
        var mail = await Smtp.WaitForAsync(email, m => Registration.SecurityServer.LinkIn(m) is not null);
        return Regex.Match(Registration.SecurityServer.LinkIn(mail)!, @"token=([A-Za-z0-9_-]+)").Groups[1].Value;
    }
}

public sealed class OrderDomainValidationTests(DcvOrdersServer server) : IClassFixture<DcvOrdersServer>
{
    private const string TlsProduct = "prd_tls_server";
    private const long TlsPrice = 5_000;

    internal static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)] + ".com";

    [Fact]
    public async Task An_unvalidated_name_waits_the_tracking_page_shows_the_TXT_value_and_publishing_it_then_verifying_issues_a_certificate_openssl_verifies()
    {
        var (_, admin) = await TenantAsync();
        var name = Unique("dcv");
        var dir = TestPaths.NewDirectory("dcv-order");
        var order = await Json(await PlaceAsync(admin, new { productId = TlsProduct, csr = await CsrAsync(dir, name) }), 201);
        var id = order.GetProperty("id").GetString()!;
        Assert.Equal(("accepted", JsonValueKind.Null), (order.GetProperty("status").GetString(), order.GetProperty("certificateSerial").ValueKind));

        // GET shows the per-name state: pending, with the TXT record and value to publish (dns-txt by default).
        var read = await Json(await admin.GetAsync($"/api/v1/orders/{id}"), 200);
        var dcv = read.GetProperty("domainValidation");
        Assert.Equal((true, false), (dcv.GetProperty("required").GetBoolean(), dcv.GetProperty("complete").GetBoolean()));
        var entry = Assert.Single(dcv.GetProperty("names").EnumerateArray());
        Assert.Equal((name, "dns-txt", "pending"), (entry.GetProperty("name").GetString(), entry.GetProperty("method").GetString(), entry.GetProperty("status").GetString()));
        var action = entry.GetProperty("action");
        Assert.Equal("_validation." + name, action.GetProperty("recordName").GetString());
        var value = action.GetProperty("value").GetString()!;
        Assert.Matches("^[a-z2-7]{26}$", value);

        // The public tracking page shows the same step and what to publish.
        var link = await Json(await admin.PostAsync($"/api/v1/orders/{id}/tracking-link", null), 200);
        var tracked = await Json(await server.Anonymous.GetAsync($"/track/{link.GetProperty("token").GetString()}"), 200);
        var step = Assert.Single(tracked.GetProperty("domainValidation").GetProperty("names").EnumerateArray());
        Assert.Equal(("pending", "_validation." + name, value), (step.GetProperty("status").GetString(),
            step.GetProperty("action").GetProperty("recordName").GetString(), step.GetProperty("action").GetProperty("value").GetString()));

        // Verifying before publishing fails with the DCV problem; the order stays unissued.
        var early = await Json(await admin.PostAsJsonAsync($"/api/v1/orders/{id}/validations/{name}/verify", new { }), 422);
        Assert.Equal("urn:castellan:problem:validation-failed", early.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, (await Json(await admin.GetAsync($"/api/v1/orders/{id}"), 200)).GetProperty("certificateSerial").ValueKind);

        await server.Dns.AddAsync("_validation." + name, "TXT", $"\"{value}\"");
        var issued = await Json(await admin.PostAsJsonAsync($"/api/v1/orders/{id}/validations/{name}/verify", new { }), 200);
        Assert.Equal("fulfilled", issued.GetProperty("status").GetString());
        var done = Assert.Single(issued.GetProperty("domainValidation").GetProperty("names").EnumerateArray());
        Assert.Equal(("valid", "validated"), (done.GetProperty("status").GetString(), done.GetProperty("source").GetString()));
        Assert.True(issued.GetProperty("domainValidation").GetProperty("complete").GetBoolean());

        var serial = issued.GetProperty("certificateSerial").GetString()!;
        var certs = Tools.SplitPem(await (await server.Client.GetAsync($"/api/v1/certificates/{serial}?format=pem")).Content.ReadAsStringAsync());
        File.WriteAllText(Path.Combine(dir, "leaf.pem"), certs[0]);
        File.WriteAllText(Path.Combine(dir, "issuer.pem"), certs[1]);
        File.WriteAllText(Path.Combine(dir, "root.pem"), certs[^1]);
        var verify = await Tools.OpenSslAsync("verify", "-CAfile", Path.Combine(dir, "root.pem"), "-untrusted", Path.Combine(dir, "issuer.pem"),
            "-purpose", "sslserver", "-verify_hostname", name, Path.Combine(dir, "leaf.pem"));
        Assert.True(verify.ExitCode == 0, verify.All);
        var audit = await (await server.Client.GetAsync($"/api/v1/audit?action=order.domain-validated&target=order:{id}")).Content.ReadAsStringAsync();
        Assert.Contains(name, audit);
    }

    [Fact]
    public async Task A_verified_domain_lets_an_order_for_a_subdomain_issue_at_once_and_another_accounts_proof_does_not_count()
    {
        var (_, owner) = await TenantAsync();
        var (_, stranger) = await TenantAsync();
        var domain = Unique("base");
        await VerifyDomainAsync(owner, domain);

        var sub = "www." + domain;
        var own = await Json(await PlaceAsync(owner, new { productId = TlsProduct, csr = await CsrAsync(TestPaths.NewDirectory("dcv-sub"), sub) }), 201);
        Assert.Equal("fulfilled", own.GetProperty("status").GetString());
        var covered = Assert.Single((await Json(await owner.GetAsync($"/api/v1/orders/{own.GetProperty("id").GetString()}"), 200))
            .GetProperty("domainValidation").GetProperty("names").EnumerateArray());
        Assert.Equal((sub, "valid"), (covered.GetProperty("name").GetString(), covered.GetProperty("status").GetString()));
        Assert.Contains(covered.GetProperty("source").GetString(), new[] { "reused-validation", "verified-domain" });

        // The same name ordered by another account: that account proved nothing, so its order waits.
        var theirs = await Json(await PlaceAsync(stranger, new { productId = TlsProduct, csr = await CsrAsync(TestPaths.NewDirectory("dcv-other"), sub) }), 201);
        Assert.Equal(("accepted", JsonValueKind.Null), (theirs.GetProperty("status").GetString(), theirs.GetProperty("certificateSerial").ValueKind));
        var waiting = Assert.Single((await Json(await stranger.GetAsync($"/api/v1/orders/{theirs.GetProperty("id").GetString()}"), 200))
            .GetProperty("domainValidation").GetProperty("names").EnumerateArray());
        Assert.Equal("pending", waiting.GetProperty("status").GetString());
    }

    /// <summary>RFC 8657 §4 for RA orders covered by a verified domain: CAA validationmethods is checked against the
    /// method that verified the domain (dns-txt, label ca-dns-txt), when the domain is verified and when an order
    /// relies on it, not refused for want of a method.</summary>
    [Fact]
    public async Task A_verified_domain_order_passes_CAA_validationmethods_listing_its_method_and_is_refused_with_caa_when_not_listed()
    {
        var (_, owner) = await TenantAsync();
        var domain = Unique("vm");
        // The domain's own verification checks CAA against the method just used (verified, not rejected).
        await server.Dns.AddAsync(domain, "CAA", $"0 issue \"{CaaIdentity}; validationmethods=http-01,ca-dns-txt\"");
        await VerifyDomainAsync(owner, domain);

        var listed = await Json(await PlaceAsync(owner, new { productId = TlsProduct, csr = await CsrAsync(TestPaths.NewDirectory("dcv-vm"), "www." + domain) }), 201);
        Assert.Equal("fulfilled", listed.GetProperty("status").GetString());

        await server.Dns.DeleteAsync(domain, "CAA");
        await server.Dns.AddAsync(domain, "CAA", $"0 issue \"{CaaIdentity}; validationmethods=http-01,dns-01\"");
        await BindDnsServer.OutwaitTtlAsync();
        var placed = await Json(await PlaceAsync(owner, new { productId = TlsProduct, csr = await CsrAsync(TestPaths.NewDirectory("dcv-vm2"), "api." + domain) }), 201);
        var id = placed.GetProperty("id").GetString()!;
        Assert.Equal(("accepted", JsonValueKind.Null), (placed.GetProperty("status").GetString(), placed.GetProperty("certificateSerial").ValueKind));
        var reason = (await Json(await owner.GetAsync($"/api/v1/orders/{id}"), 200)).GetProperty("statusReason").GetString();
        Assert.Contains("not ca-dns-txt", reason);
        var audit = await (await server.Client.GetAsync($"/api/v1/audit?action=order.caa-refused&target=order:{id}")).Content.ReadAsStringAsync();
        Assert.Contains("validationmethods", audit);
    }

    [Fact]
    public async Task A_CAA_record_naming_another_CA_stops_issuance_with_the_caa_detail_and_the_order_stays_unfulfilled_and_refundable()
    {
        var (accountId, admin) = await TenantAsync();
        // denied.com carries CAA 0 issue "other-ca.example"; its subdomains inherit it by climbing (RFC 8659 §3).
        var name = Unique("c")[..^".com".Length] + ".denied.com";
        var order = await Json(await PlaceAsync(admin, new { productId = TlsProduct, csr = await CsrAsync(TestPaths.NewDirectory("dcv-caa"), name) }), 201);
        var id = order.GetProperty("id").GetString()!;
        var value = Assert.Single((await Json(await admin.GetAsync($"/api/v1/orders/{id}"), 200)).GetProperty("domainValidation").GetProperty("names").EnumerateArray())
            .GetProperty("action").GetProperty("value").GetString()!;
        await server.Dns.AddAsync("_validation." + name, "TXT", $"\"{value}\"");

        // Domain control passes; CAA, checked right before signing, refuses.
        var after = await Json(await admin.PostAsJsonAsync($"/api/v1/orders/{id}/validations/{name}/verify", new { }), 200);
        Assert.Equal(("accepted", JsonValueKind.Null), (after.GetProperty("status").GetString(), after.GetProperty("certificateSerial").ValueKind));
        Assert.Contains("other-ca.example", after.GetProperty("statusReason").GetString());
        Assert.True(after.GetProperty("domainValidation").GetProperty("complete").GetBoolean());
        var audit = await (await server.Client.GetAsync($"/api/v1/audit?action=order.caa-refused&target=order:{id}")).Content.ReadAsStringAsync();
        Assert.Contains("other-ca.example", audit);
        Assert.Equal(10_000 - TlsPrice, await BalanceAsync(accountId));

        // Nothing was issued and nothing is lost: the order can be cancelled and is refunded.
        var cancelled = await Json(await admin.PostAsJsonAsync($"/api/v1/orders/{id}/cancel", new { remarks = "CAA names another CA" }), 200);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(10_000, await BalanceAsync(accountId));
    }

    [Fact]
    public async Task Email_validation_arrives_through_the_outbox_at_the_SMTP_sink_a_resend_replaces_the_value_and_the_returned_value_issues()
    {
        var (_, admin) = await TenantAsync();
        var name = Unique("em");
        var order = await Json(await PlaceAsync(admin, new { productId = TlsProduct, csr = await CsrAsync(TestPaths.NewDirectory("dcv-mail"), name), validationMethod = "email" }), 201);
        var id = order.GetProperty("id").GetString()!;
        var first = ValueIn(await server.Smtp.WaitForAsync("admin@" + name));

        var read = await Json(await admin.GetAsync($"/api/v1/orders/{id}"), 200);
        var entry = Assert.Single(read.GetProperty("domainValidation").GetProperty("names").EnumerateArray());
        Assert.Equal(("email", "pending"), (entry.GetProperty("method").GetString(), entry.GetProperty("status").GetString()));
        Assert.Contains("postmaster@" + name, entry.GetProperty("action").GetProperty("recipients").EnumerateArray().Select(r => r.GetString()));
        Assert.Null(entry.GetProperty("action").GetProperty("value").GetString()); // an emailed value never appears in the API

        await Json(await admin.PostAsync($"/api/v1/orders/{id}/validations/{name}/resend", null), 200);
        var second = ValueIn(await server.Smtp.WaitForAsync("admin@" + name, m => ValueIn(m) != first));
        Assert.NotEqual(first, second);
        await Json(await admin.PostAsJsonAsync($"/api/v1/orders/{id}/validations/{name}/verify", new { value = first }), 422);

        var issued = await Json(await admin.PostAsJsonAsync($"/api/v1/orders/{id}/validations/{name}/verify", new { value = second }), 200);
        Assert.Equal("fulfilled", issued.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_manual_products_approver_cannot_fulfil_before_domain_control_is_complete()
    {
        var (accountId, admin) = await TenantAsync();
        var product = await Json(await admin.PostAsJsonAsync($"/api/v1/accounts/{accountId}/products",
            new { name = "Manual TLS " + Guid.NewGuid().ToString("N")[..6], profileId = "tls-server", pricePerYearMinor = 100, currency = "USD", approvalMode = "manual" }), 201);
        Assert.Equal(JsonValueKind.Null, product.GetProperty("domainValidation").ValueKind); // from the profile: required
        var name = Unique("man");
        var order = await Json(await PlaceAsync(admin, new { productId = product.GetProperty("id").GetString(), csr = await CsrAsync(TestPaths.NewDirectory("dcv-manual"), name) }), 201);
        var id = order.GetProperty("id").GetString()!;

        var refused = await Json(await admin.PostAsync($"/api/v1/orders/{id}/fulfil", null), 409);
        Assert.Equal("urn:castellan:problem:dcv-pending", refused.GetProperty("type").GetString());
        Assert.Contains(name, refused.GetProperty("detail").GetString());

        var value = Assert.Single((await Json(await admin.GetAsync($"/api/v1/orders/{id}"), 200)).GetProperty("domainValidation").GetProperty("names").EnumerateArray())
            .GetProperty("action").GetProperty("value").GetString()!;
        await server.Dns.AddAsync("_validation." + name, "TXT", $"\"{value}\"");
        var validated = await Json(await admin.PostAsJsonAsync($"/api/v1/orders/{id}/validations/{name}/verify", new { }), 200);
        Assert.Equal("accepted", validated.GetProperty("status").GetString()); // manual: still the approver's to fulfil

        var fulfilled = await Json(await admin.PostAsync($"/api/v1/orders/{id}/fulfil", null), 200);
        Assert.Equal("fulfilled", fulfilled.GetProperty("status").GetString());
    }

    private Task<(string AccountId, HttpClient Admin)> TenantAsync() => TenantAsync(server);

    internal static async Task<(string AccountId, HttpClient Admin)> TenantAsync(DcvOrdersServer server)
    {
        var (accountId, adminId) = await server.CreateAccountAsync("enterprise");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/billing/accounts/{accountId}/credits")
        {
            Content = JsonContent.Create(new { amountMinor = 10_000, currency = "USD", paymentReference = "wire " + Guid.NewGuid().ToString("N")[..8] }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        await Json(await server.Client.SendAsync(request), 201);
        return (accountId, server.KeyClient(await server.NewKeyAsync(accountId, adminId)));
    }

    private async Task VerifyDomainAsync(HttpClient admin, string domain)
    {
        var added = await Json(await admin.PostAsJsonAsync("/api/v1/domains", new { name = domain, method = "dns-txt" }), 201);
        await server.Dns.AddAsync("_validation." + domain, "TXT", $"\"{added.GetProperty("challenge").GetProperty("value").GetString()}\"");
        var verified = await Json(await admin.PostAsJsonAsync($"/api/v1/domains/{added.GetProperty("id").GetString()}/verify", new { }), 200);
        Assert.Equal("verified", verified.GetProperty("status").GetString());
    }

    internal static Task<HttpResponseMessage> PlaceAsync(HttpClient client, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return client.SendAsync(request);
    }

    internal static async Task<string> CsrAsync(string dir, string name) =>
        File.ReadAllText(await Tools.NewCsrAsync(dir, "ec:P-256", $"/CN={name}", $"DNS:{name}"));

    private static string ValueIn(MimeKit.MimeMessage mail) =>
        Regex.Match(mail.TextBody ?? "", @"^\s+([a-z2-7]{26})\s*$", RegexOptions.Multiline).Groups[1].Value;

    private async Task<long> BalanceAsync(string account)
    {
        var balance = await server.Get<Castellan.Billing.Contracts.ILedgerStore>()
            .FindBalanceAsync(Castellan.Billing.Contracts.LedgerAccount.AccountCode(account), CancellationToken.None);
        return balance?.Minor ?? 0;
    }
}

/// <summary>
/// Its own server: creating an intermediate changes the default issuing CA (the newest active intermediate), which
/// the other tests' built-in products use.
/// </summary>
public sealed class PrivateProductDomainValidationTests(DcvOrdersServer server) : IClassFixture<DcvOrdersServer>
{
    [Fact]
    public async Task A_private_product_opts_out_only_when_it_issues_from_a_name_constrained_CA()
    {
        var (accountId, admin) = await OrderDomainValidationTests.TenantAsync(server);
        var corp = OrderDomainValidationTests.Unique("corp");
        var caId = "corp-" + Guid.NewGuid().ToString("N")[..8];
        await Json(await server.Client.PostAsJsonAsync("/api/v1/cas", new
        {
            id = caId, parent = "root", subject = "CN=Corp Private CA,O=Corp", keyAlgorithm = "ec-p256", validityDays = 365, pathLength = 0, permittedDnsNames = new[] { corp },
        }), 201);
        object Product(string? issuerId) => new
        {
            name = "Internal TLS " + Guid.NewGuid().ToString("N")[..6], profileId = "tls-server", issuerId, pricePerYearMinor = 100, currency = "USD",
            approvalMode = "automatic", approvalCriteria = "names inside the account's name-constrained CA", domainValidation = "not-required",
        };

        var refused = await Json(await admin.PostAsJsonAsync($"/api/v1/accounts/{accountId}/products", Product(null)), 422);
        Assert.Equal("product.domain-validation", refused.GetProperty("rule").GetString());

        var product = await Json(await admin.PostAsJsonAsync($"/api/v1/accounts/{accountId}/products", Product(caId)), 201);
        Assert.Equal("not-required", product.GetProperty("domainValidation").GetString());
        var order = await Json(await OrderDomainValidationTests.PlaceAsync(admin, new { productId = product.GetProperty("id").GetString(), csr = await OrderDomainValidationTests.CsrAsync(TestPaths.NewDirectory("dcv-optout"), "host." + corp) }), 201);
        Assert.Equal("fulfilled", order.GetProperty("status").GetString());
        var dcv = (await Json(await admin.GetAsync($"/api/v1/orders/{order.GetProperty("id").GetString()}"), 200)).GetProperty("domainValidation");
        Assert.Equal((false, 0), (dcv.GetProperty("required").GetBoolean(), dcv.GetProperty("names").GetArrayLength()));
    }
}
