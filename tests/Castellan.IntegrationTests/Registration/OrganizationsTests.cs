using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Support;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>
/// Organisations and the OV/EV/wildcard product matrix (issue 3 item 7) over HTTP against a real server: an account
/// adds an organisation, an RA officer vets it, an OV order puts it in the certificate subject (read back with
/// openssl), and every refusal happens before any money moves.
/// </summary>
public abstract class OrganizationsTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : RegistrationServer
{
    private const string OvProduct = "prd_tls_ov";
    private const long OvPrice = 9_000;

    [Fact]
    public async Task An_OV_order_naming_a_verified_organisation_issues_a_certificate_whose_subject_carries_O_L_and_C()
    {
        var tenant = await NewTenantAsync(credit: 20_000);
        var org = await AddOrganizationAsync(tenant.Admin, tenant.AccountId, new { legalName = "Example, Ltd", country = "gb", locality = "London", state = "Greater London", address = "1 High St", phone = "+44 20 7946 0000" });
        Assert.Equal("pending", org.GetProperty("status").GetString());
        Assert.Equal("GB", org.GetProperty("country").GetString());
        var orgId = org.GetProperty("id").GetString()!;

        // The tenant's own administrator cannot vet its organisation; an RA officer of the operator can.
        using (var self = await tenant.Admin.PostAsync($"/api/v1/organizations/{orgId}/verify", null)) await Json(self, 403);
        var officer = await server.AddMemberAsync("operator", "ra-officer");
        using (var verified = await officer.Client!.PostAsync($"/api/v1/organizations/{orgId}/verify", null))
            Assert.Equal("verified", (await Json(verified, 200)).GetProperty("status").GetString());
        using (var again = await officer.Client.PostAsync($"/api/v1/organizations/{orgId}/verify", null)) await Json(again, 409);
        var audited = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=organization.verified&target=organization:{orgId}");
        Assert.Equal($"user:{officer.UserId}", audited.EnumerateArray().Single().GetProperty("actor").GetString());

        var dir = TestPaths.NewDirectory("org-ov");
        using var placed = await PlaceAsync(tenant.Admin, new { productId = OvProduct, csr = await NewCsrAsync(dir, "ov.example.com"), organizationId = orgId });
        var order = await Json(placed, 201);
        Assert.Equal("fulfilled", order.GetProperty("status").GetString());
        Assert.Equal(20_000 - OvPrice, await BalanceAsync(tenant.AccountId));

        using var pem = await server.Client.GetAsync($"/api/v1/certificates/{order.GetProperty("certificateSerial").GetString()}?format=pem");
        var leaf = Path.Combine(dir, "leaf.pem");
        File.WriteAllText(leaf, Tools.SplitPem(await pem.Content.ReadAsStringAsync())[0]);
        var subject = await Tools.OpenSslAsync("x509", "-in", leaf, "-noout", "-subject", "-nameopt", "RFC2253");
        Assert.True(subject.ExitCode == 0, subject.All);
        // RFC 2253 prints the last RDN first: encoded C, ST, L, O, CN (the conventional order).
        Assert.Equal(@"subject=CN=ov.example.com,O=Example\, Ltd,L=London,ST=Greater London,C=GB", subject.StdOut.Trim());
        // The OV policy (BR 7.1.6.1), never the DV one, on a certificate naming an organisation.
        var text = await Tools.OpenSslAsync("x509", "-in", leaf, "-noout", "-text");
        Assert.Contains("2.23.140.1.2.2", text.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("2.23.140.1.2.1", text.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OV_orders_without_an_organisation_with_a_pending_or_rejected_one_or_another_tenants_are_refused_and_nothing_is_debited()
    {
        var tenant = await NewTenantAsync(credit: 20_000);
        var other = await NewTenantAsync(credit: 0);
        var pending = (await AddOrganizationAsync(tenant.Admin, tenant.AccountId, Valid)).GetProperty("id").GetString()!;
        var rejected = (await AddOrganizationAsync(tenant.Admin, tenant.AccountId, Valid)).GetProperty("id").GetString()!;
        using (var noReason = await server.Client.PostAsJsonAsync($"/api/v1/organizations/{rejected}/reject", new { reason = " " })) await Json(noReason, 400);
        using (var r = await server.Client.PostAsJsonAsync($"/api/v1/organizations/{rejected}/reject", new { reason = "not in the companies register" }))
        {
            var body = await Json(r, 200);
            Assert.Equal(("rejected", "not in the companies register"), (body.GetProperty("status").GetString(), body.GetProperty("statusReason").GetString()));
        }
        var foreign = (await AddOrganizationAsync(other.Admin, other.AccountId, Valid)).GetProperty("id").GetString()!;
        using (var v = await server.Client.PostAsync($"/api/v1/organizations/{foreign}/verify", null)) await Json(v, 200);
        var csr = await NewCsrAsync(TestPaths.NewDirectory("org-refused"), "ov.example.com");

        foreach (var (organizationId, status, type) in new (string?, int, string)[]
        {
            (null, 422, "policy-violation"), (pending, 422, "policy-violation"), (rejected, 422, "policy-violation"), (foreign, 404, "not-found"),
        })
        {
            using var refused = await PlaceAsync(tenant.Admin, new { productId = OvProduct, csr, organizationId });
            var problem = await Json(refused, status);
            Assert.Equal($"urn:castellan:problem:{type}", problem.GetProperty("type").GetString());
            Assert.Contains("organization", problem.GetProperty("detail").GetString()!, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal(20_000, await BalanceAsync(tenant.AccountId));
        using var list = await tenant.Admin.GetAsync("/api/v1/orders");
        Assert.Equal(0, (await Json(list, 200)).GetProperty("total").GetInt32());
        // Another tenant's organisations are not listed either.
        using var others = await tenant.Admin.GetAsync($"/api/v1/accounts/{other.AccountId}/organizations");
        Assert.True((int)others.StatusCode is 403 or 404, $"got {(int)others.StatusCode}");
    }

    [Fact]
    public async Task A_wildcard_product_takes_one_wildcard_and_its_base_and_other_products_refuse_wildcards()
    {
        var tenant = await NewTenantAsync(credit: 100_000);
        var csr = await NewCsrAsync(TestPaths.NewDirectory("org-wild"), "example.com");
        foreach (var (product, sans) in new[]
        {
            ("prd_tls_dv_wildcard", new[] { "dns:*.example.com", "dns:*.shop.example.com" }),
            ("prd_tls_dv_wildcard", new[] { "dns:*.example.com", "dns:www.other.example.com" }),
            ("prd_tls_server", new[] { "dns:*.example.com" }),
            ("prd_tls_multi", new[] { "dns:a.example.com", "dns:*.example.com" }),
        })
        {
            using var refused = await PlaceAsync(tenant.Admin, new { productId = product, csr, sans });
            var problem = await Json(refused, 422);
            Assert.Equal("order.wildcard", problem.GetProperty("rule").GetString());
        }
        Assert.Equal(100_000, await BalanceAsync(tenant.AccountId));

        using var placed = await PlaceAsync(tenant.Admin, new { productId = "prd_tls_dv_wildcard", csr, sans = new[] { "dns:*.example.com", "dns:example.com" } });
        var order = await Json(placed, 201);
        Assert.Equal("fulfilled", order.GetProperty("status").GetString());
        Assert.Equal(100_000 - 15_000, await BalanceAsync(tenant.AccountId)); // both names are included in the wildcard price
    }

    [Fact]
    public async Task Bad_organisation_inputs_are_refused_with_an_error_per_field()
    {
        var tenant = await NewTenantAsync(credit: 0);
        using var bad = await tenant.Admin.PostAsJsonAsync($"/api/v1/accounts/{tenant.AccountId}/organizations", new { legalName = "  ", country = "XX", locality = "London", registrationNumber = "12<34" });
        var problem = await Json(bad, 400);
        Assert.Equal("urn:castellan:problem:organization-invalid", problem.GetProperty("type").GetString());
        var fields = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).Order().ToList();
        Assert.Equal(["country", "legalName", "registrationNumber"], fields);

        using var uk = await tenant.Admin.PostAsJsonAsync($"/api/v1/accounts/{tenant.AccountId}/organizations", new { legalName = "Example", country = "UK", locality = "London" });
        Assert.Equal("country", (await Json(uk, 400)).GetProperty("errors")[0].GetProperty("field").GetString());
        using var nowhere = await tenant.Admin.PostAsJsonAsync($"/api/v1/accounts/{tenant.AccountId}/organizations", new { legalName = "Example", country = "GB" });
        Assert.Equal("locality", (await Json(nowhere, 400)).GetProperty("errors")[0].GetProperty("field").GetString());
        using var listed = await tenant.Admin.GetAsync($"/api/v1/accounts/{tenant.AccountId}/organizations");
        Assert.Equal(0, (await Json(listed, 200)).GetArrayLength());
    }

    private static readonly object Valid = new { legalName = "Example Ltd", country = "GB", locality = "London" };

    private sealed record Tenant(string AccountId, HttpClient Admin);

    private async Task<Tenant> NewTenantAsync(long credit)
    {
        var (account, admin) = await server.CreateAccountAsync("enterprise");
        if (credit > 0)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/billing/accounts/{account}/credits")
            {
                Content = JsonContent.Create(new { amountMinor = credit, currency = "USD", paymentReference = "wire " + Guid.NewGuid().ToString("N")[..8] }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            using var credited = await server.Client.SendAsync(request);
            await Json(credited, 201);
        }
        var tenant = new Tenant(account, server.KeyClient(await server.NewKeyAsync(account, admin)));
        await server.ValidateDomainAsync(tenant.Admin);
        return tenant;
    }

    private static async Task<JsonElement> AddOrganizationAsync(HttpClient client, string accountId, object body)
    {
        using var added = await client.PostAsJsonAsync($"/api/v1/accounts/{accountId}/organizations", body);
        return await Json(added, 201);
    }

    private static async Task<HttpResponseMessage> PlaceAsync(HttpClient client, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", "key-" + Guid.NewGuid().ToString("N"));
        return await client.SendAsync(request);
    }

    private static async Task<string> NewCsrAsync(string dir, string name) =>
        File.ReadAllText(await Tools.NewCsrAsync(dir, "ec:P-256", $"/CN={name}", $"DNS:{name}"));

    private async Task<long> BalanceAsync(string account)
    {
        var balance = await server.Get<Castellan.Billing.Contracts.ILedgerStore>()
            .FindBalanceAsync(Castellan.Billing.Contracts.LedgerAccount.AccountCode(account), CancellationToken.None);
        return balance?.Minor ?? 0;
    }
}

public sealed class OrganizationsTestsOnSqlite(RegistrationServer server) : OrganizationsTests<RegistrationServer>(server);

public sealed class OrganizationsTestsOnPostgres(PostgresRegistrationServer server) : OrganizationsTests<PostgresRegistrationServer>(server);
