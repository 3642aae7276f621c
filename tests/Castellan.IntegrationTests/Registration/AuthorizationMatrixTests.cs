using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Castellan.Registration.Roles;
using Xunit.Abstractions;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>
/// Every RA endpoint x every built-in tenant role and operator role x the caller's own tenant and another tenant.
/// The expectation is computed here from the seed's role table (BuiltInRoles/OperatorRoles) and the permission each
/// endpoint is specified to need, not read back from the endpoints. Rules: a tenant never succeeds on another tenant
/// (403 or 404, never 2xx); within its own tenant it succeeds exactly when its role holds the permission (and every
/// permission of the role it acts on); operator staff succeed on every tenant exactly when their role holds it.
/// </summary>
public abstract class AuthorizationMatrixTests<TServer>(TServer server, ITestOutputHelper output) : IClassFixture<TServer> where TServer : RegistrationServer
{
    private sealed record Caller(string Label, Role Role, bool IsOperator, HttpClient Client, string? UserId);

    private sealed record Tenant(string AccountId, string BasicUserId);

    /// <summary>What the order-action cases need in a tenant: its administrator's key (who places the orders acted on), private manual and API products, a CSR.</summary>
    private sealed record TenantOrders(HttpClient Admin, string ManualProduct, string ApiProduct, string Csr);

    /// <summary>One endpoint: the request to make, and who should succeed in their own tenant (operators: on any tenant).</summary>
    private sealed record Case(string Name, Func<Caller, Tenant, bool, Task<HttpResponseMessage>> Send, Func<Role, bool, bool> Allowed);

    private static readonly object MatrixOrganization = new { legalName = "Matrix Ltd", country = "GB", locality = "London" };

    private static readonly IReadOnlySet<Permission> Basic = BuiltInRoles.BasicUser.Permissions;

    private static bool Has(Role role, Permission p) => role.Permissions.Contains(p);

    /// <summary>Acting on a basic user also needs every permission a basic user holds (tenants only; operators set tenants up).</summary>
    private static bool ActsOnBasic(Role role, bool isOperator, Permission p) => Has(role, p) && (isOperator || Basic.IsSubsetOf(role.Permissions));

    [Fact]
    public async Task No_cross_tenant_call_succeeds_and_each_role_gets_exactly_its_permissions()
    {
        // Two partner tenants (partners have the most endpoints: sub-accounts, Sub Account User), each with an active basic user.
        var (own, ownAdmin) = await server.CreateAccountAsync("partner");
        var (other, otherAdmin) = await server.CreateAccountAsync("partner");
        var ownTenant = new Tenant(own, (await server.AddMemberAsync(own, "basic-user")).UserId);
        var otherTenant = new Tenant(other, (await server.AddMemberAsync(other, "basic-user")).UserId);

        // Orders cost money: both tenants get ample credit, and each tenant's basic user places the orders awaiting approval.
        var basicKeys = new Dictionary<string, HttpClient>();
        foreach (var t in new[] { ownTenant, otherTenant })
        {
            await CreditAsync(t.AccountId);
            basicKeys[t.AccountId] = server.KeyClient(await server.NewKeyAsync(t.AccountId, t.BasicUserId));
        }

        var orderSetup = new Dictionary<string, TenantOrders>();
        foreach (var (t, admin) in new[] { (ownTenant, ownAdmin), (otherTenant, otherAdmin) })
        {
            var adminKey = server.KeyClient(await server.NewKeyAsync(t.AccountId, admin));
            await server.ValidateDomainAsync(adminKey); // tls-server orders below need domain control of m.example.com
            var csr = File.ReadAllText(await Castellan.IntegrationTests.Support.Tools.NewCsrAsync(Castellan.IntegrationTests.Support.TestPaths.NewDirectory("matrix"), "ec:P-256", "/CN=m.example.com", "DNS:m.example.com"));
            orderSetup[t.AccountId] = new TenantOrders(adminKey, await ProductAsync(adminKey, t.AccountId, "manual"), await ProductAsync(adminKey, t.AccountId, "api"), csr);
        }
        async Task<string> OrderOf(Tenant t, object body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            using var response = await orderSetup[t.AccountId].Admin.SendAsync(request);
            return (await Json(response, 201)).GetProperty("id").GetString()!;
        }
        Task<string> Fulfilled(Tenant t, string product = "prd_tls_server", int? validityDays = null, string[]? sans = null) =>
            OrderOf(t, new { accountId = t.AccountId, productId = product, csr = orderSetup[t.AccountId].Csr, validityDays, sans });

        // Groups, price lists, documents: each tenant gets a group paying from its own (well-funded) balance and a sub-account.
        var groupOf = new Dictionary<string, string>();
        var subOf = new Dictionary<string, string>();
        foreach (var t in new[] { ownTenant, otherTenant })
        {
            var admin = orderSetup[t.AccountId].Admin;
            using var created = await admin.PostAsJsonAsync($"/api/v1/accounts/{t.AccountId}/groups", new { name = "Matrix", finance = new { mode = "group" } });
            groupOf[t.AccountId] = (await Json(created, 201)).GetProperty("id").GetString()!;
            using (var funded = await Keyed(admin, $"/api/v1/accounts/{t.AccountId}/groups/{groupOf[t.AccountId]}/allocations", new { amountMinor = 1_000_000 })) await Json(funded, 201);
            subOf[t.AccountId] = (await server.CreateAccountAsync("enterprise", t.AccountId)).AccountId;
        }
        async Task<string> DocumentOf(Tenant t, string orderId)
        {
            using var body = new ByteArrayContent("%PDF-1.4 matrix"u8.ToArray());
            using var uploaded = await basicKeys[t.AccountId].PostAsync($"/api/v1/orders/{orderId}/documents?name=m.pdf", body);
            return (await Json(uploaded, 201)).GetProperty("id").GetString()!;
        }

        async Task<string> OrganizationOf(Tenant t)
        {
            using var added = await server.Client.PostAsJsonAsync($"/api/v1/accounts/{t.AccountId}/organizations", MatrixOrganization);
            return (await Json(added, 201)).GetProperty("id").GetString()!;
        }

        var callers = new List<Caller>();
        foreach (var role in BuiltInRoles.All)
        {
            var m = await server.AddMemberAsync(own, role.Id);
            callers.Add(new Caller(role.Id, role, false, m.Client!, m.UserId));
        }
        foreach (var role in OperatorRoles.All)
        {
            var m = await server.AddMemberAsync("operator", role.Id);
            callers.Add(new Caller("operator " + role.Id, role, true, m.Client!, m.UserId));
        }
        callers.Add(new Caller("bootstrap key", OperatorRoles.Administrator, true, server.Client, null));

        var cases = new List<Case>
        {
            new("GET /accounts/{id}", (c, t, _) => c.Client.GetAsync($"/api/v1/accounts/{t.AccountId}"), (r, _) => Has(r, Permission.DashboardView)),
            new("GET /accounts (lists the tenant)", ListContainsAsync, (r, _) => Has(r, Permission.DashboardView)),
            new("GET /accounts/{id}/users", (c, t, _) => c.Client.GetAsync($"/api/v1/accounts/{t.AccountId}/users"), (r, _) => Has(r, Permission.UsersManage)),
            new("POST /accounts/{id}/users", (c, t, _) => c.Client.PostAsJsonAsync($"/api/v1/accounts/{t.AccountId}/users", new { email = NewEmail("inv"), role = "basic-user" }),
                (r, op) => ActsOnBasic(r, op, Permission.UsersInvite)),
            new("PATCH /accounts/{id}/users/{userId}", (c, t, _) => c.Client.PatchAsJsonAsync($"/api/v1/accounts/{t.AccountId}/users/{t.BasicUserId}", new { name = "Renamed" }),
                (r, op) => ActsOnBasic(r, op, Permission.UsersManage)),
            new("POST /users/{id}/deactivate", async (c, t, _) =>
            {
                var fresh = await server.AddMemberAsync(t.AccountId, "basic-user", activate: false);
                return await c.Client.PostAsync($"/api/v1/users/{fresh.UserId}/deactivate", null);
            }, (r, op) => ActsOnBasic(r, op, Permission.UsersManage)),
            new("GET /accounts/{id}/roles", (c, t, _) => c.Client.GetAsync($"/api/v1/accounts/{t.AccountId}/roles"), (r, _) => Has(r, Permission.UsersManage)),
            new("POST /accounts/{id}/roles", (c, t, _) => c.Client.PostAsJsonAsync($"/api/v1/accounts/{t.AccountId}/roles",
                new { name = "Viewer " + Guid.NewGuid().ToString("N"), permissions = new[] { "DashboardView" } }), (r, _) => Has(r, Permission.SettingsManage)),
            new("POST /accounts/{id}/api-keys", (c, t, ownTarget) =>
                // A tenant asks for its own key in its own account, and for the other tenant's member there; operators act for a member.
                c.Client.PostAsJsonAsync($"/api/v1/accounts/{t.AccountId}/api-keys", new { name = "matrix", userId = c.IsOperator || !ownTarget ? t.BasicUserId : null }),
                (r, op) => Has(r, Permission.ApiUse) && (!op || Has(r, Permission.UsersManage))),
            new("DELETE /api-keys/{id}", async (c, t, _) =>
            {
                var keyId = await server.NewKeyIdAsync(t.AccountId, t.BasicUserId);
                return await c.Client.DeleteAsync($"/api/v1/api-keys/{keyId}");
            }, (r, op) => Has(r, Permission.ApiUse) && ActsOnBasic(r, op, Permission.UsersManage)),
            new("POST /accounts (sub-account)", (c, t, _) => c.Client.PostAsJsonAsync("/api/v1/accounts",
                new { kind = "enterprise", name = "Sub " + Guid.NewGuid().ToString("N"), parentId = t.AccountId, administratorEmail = NewEmail("sub") }),
                (r, _) => Has(r, Permission.SubAccountsManage)),
            new("POST /accounts/{id}/approve", async (c, _, _) =>
            {
                var email = NewEmail("pending");
                var name = "Pending " + Guid.NewGuid().ToString("N");
                using (var s = await server.Anonymous.PostAsJsonAsync("/api/v1/signup", new { kind = "partner", name = "P", email, organization = name, acceptTerms = true })) await Json(s, 202);
                var all = await server.Client.GetFromJsonAsync<JsonElement>("/api/v1/accounts?pageSize=500");
                var id = all.EnumerateArray().Single(a => a.GetProperty("name").GetString() == name).GetProperty("id").GetString();
                return await c.Client.PostAsync($"/api/v1/accounts/{id}/approve", null);
            }, (r, op) => op && (r == OperatorRoles.Administrator || r == OperatorRoles.RaOfficer)),
            new("POST /accounts/{id}/organizations", (c, t, _) => c.Client.PostAsJsonAsync($"/api/v1/accounts/{t.AccountId}/organizations", MatrixOrganization),
                (r, _) => Has(r, Permission.OrganizationsManage)),
            new("GET /accounts/{id}/organizations", (c, t, _) => c.Client.GetAsync($"/api/v1/accounts/{t.AccountId}/organizations"),
                (r, _) => Has(r, Permission.OrganizationsManage)),
            // Vetting is the operator's: no tenant role verifies or rejects, not even in its own account.
            new("POST /organizations/{id}/verify", async (c, t, _) => await c.Client.PostAsync($"/api/v1/organizations/{await OrganizationOf(t)}/verify", null),
                (r, op) => op && (r == OperatorRoles.Administrator || r == OperatorRoles.RaOfficer)),
            new("POST /organizations/{id}/reject", async (c, t, _) => await c.Client.PostAsJsonAsync($"/api/v1/organizations/{await OrganizationOf(t)}/reject", new { reason = "unknown registry entry" }),
                (r, op) => op && (r == OperatorRoles.Administrator || r == OperatorRoles.RaOfficer)),
            new("POST /orders (in the tenant)", (c, t, _) => PlaceOrderAsync(c.Client, t.AccountId), (r, _) => Has(r, Permission.CertificatesRequest)),
            new("GET /orders?account=", (c, t, _) => c.Client.GetAsync($"/api/v1/orders?account={t.AccountId}"), (r, _) => Has(r, Permission.OrdersViewOwn)),
            new("GET /orders/{id} (another member's order)", async (c, t, _) =>
                await c.Client.GetAsync($"/api/v1/orders/{await OrderIdAsync(basicKeys[t.AccountId], t.AccountId)}"), (r, _) => SeesAllOrders(r)),
            new("POST /orders/{id}/approve", async (c, t, _) =>
                await c.Client.PostAsync($"/api/v1/orders/{await OrderIdAsync(basicKeys[t.AccountId], t.AccountId)}/approve", null), (r, _) => Has(r, Permission.OrdersApprove)),
            new("POST /orders/{id}/reject", async (c, t, _) =>
                await c.Client.PostAsJsonAsync($"/api/v1/orders/{await OrderIdAsync(basicKeys[t.AccountId], t.AccountId)}/reject", new { reason = "matrix" }),
                (r, _) => Has(r, Permission.OrdersApprove)),
            new("POST /orders/{id}/cancel (another member's order)", async (c, t, _) =>
                await c.Client.PostAsJsonAsync($"/api/v1/orders/{await OrderIdAsync(basicKeys[t.AccountId], t.AccountId)}/cancel", new { remarks = "matrix" }),
                (r, _) => Has(r, Permission.OrdersManage)),
            new("POST /accounts/{id}/products", (c, t, _) => c.Client.PostAsJsonAsync($"/api/v1/accounts/{t.AccountId}/products",
                new { name = "Matrix " + Guid.NewGuid().ToString("N"), profileId = "tls-client", pricePerYearMinor = 100, currency = "USD" }), (r, _) => Has(r, Permission.ProductsManage)),
            new("PATCH /products/{id}", async (c, t, _) => await c.Client.PatchAsJsonAsync(
                $"/api/v1/products/{await ProductAsync(orderSetup[t.AccountId].Admin, t.AccountId, "manual")}", new { name = "Matrix renamed" }), (r, _) => Has(r, Permission.ProductsManage)),
            new("POST /products/{id}/disable", async (c, t, _) => await c.Client.PostAsync(
                $"/api/v1/products/{await ProductAsync(orderSetup[t.AccountId].Admin, t.AccountId, "manual")}/disable", null), (r, _) => Has(r, Permission.ProductsManage)),
            new("GET /accounts/{id}/custom-fields", (c, t, _) => c.Client.GetAsync($"/api/v1/accounts/{t.AccountId}/custom-fields"), (r, _) => Has(r, Permission.DashboardView)),
            new("POST /accounts/{id}/custom-fields", (c, t, _) => c.Client.PostAsJsonAsync($"/api/v1/accounts/{t.AccountId}/custom-fields",
                new { name = "f" + Guid.NewGuid().ToString("N")[..10], type = "text" }), (r, _) => Has(r, Permission.SettingsManage)),
            new("GET /orders/export.xlsx?account=", (c, t, _) => c.Client.GetAsync($"/api/v1/orders/export.xlsx?account={t.AccountId}"), (r, _) => Has(r, Permission.OrdersViewOwn)),
            new("GET /orders/{id}/certificate (another member's order)", async (c, t, _) =>
                await c.Client.GetAsync($"/api/v1/orders/{await Fulfilled(t)}/certificate?format=der"), (r, _) => SeesAllOrders(r)),
            new("PATCH /orders/{id} (another member's order)", async (c, t, _) =>
                await c.Client.PatchAsJsonAsync($"/api/v1/orders/{await OrderIdAsync(basicKeys[t.AccountId], t.AccountId)}", new { additionalRecipients = new[] { "m@example.com" } }),
                (r, _) => Has(r, Permission.OrdersManage)),
            new("POST /orders/{id}/tracking-link (another member's order)", async (c, t, _) =>
                await c.Client.PostAsync($"/api/v1/orders/{await OrderIdAsync(basicKeys[t.AccountId], t.AccountId)}/tracking-link", null), (r, _) => Has(r, Permission.OrdersManage)),
            new("POST /orders/{id}/reissue (another member's order)", async (c, t, _) =>
                await Keyed(c.Client, $"/api/v1/orders/{await Fulfilled(t)}/reissue", new { reason = "other" }), (r, _) => Has(r, Permission.OrdersManage)),
            new("POST /orders/{id}/sans (another member's order)", async (c, t, _) =>
                await Keyed(c.Client, $"/api/v1/orders/{await Fulfilled(t, "prd_tls_multi", sans: ["dns:m.example.com"])}/sans", new { add = new[] { "dns:n.example.com" } }),
                (r, _) => Has(r, Permission.OrdersManage)),
            new("POST /orders/{id}/revoke (another member's order)", async (c, t, _) =>
                await c.Client.PostAsJsonAsync($"/api/v1/orders/{await Fulfilled(t)}/revoke", new { reason = "superseded", remarks = "matrix" }), (r, _) => Has(r, Permission.OrdersManage)),
            new("POST /orders/{id}/renew (another member's order)", async (c, t, _) =>
                await Keyed(c.Client, $"/api/v1/orders/{await Fulfilled(t, validityDays: 30)}/renew", new { }),
                (r, _) => Has(r, Permission.CertificatesRequest) && Has(r, Permission.OrdersManage)),
            new("POST /orders/{id}/fulfil (private manual product)", async (c, t, _) =>
                await c.Client.PostAsync($"/api/v1/orders/{await Fulfilled(t, orderSetup[t.AccountId].ManualProduct)}/fulfil", null), (r, _) => Has(r, Permission.OrdersApprove)),
            new("POST /orders/{id}/decision (private API product)", async (c, t, _) =>
                await c.Client.PostAsJsonAsync($"/api/v1/orders/{await Fulfilled(t, orderSetup[t.AccountId].ApiProduct)}/decision", new { decision = "approve" }),
                (r, _) => Has(r, Permission.OrdersApprove)),
            new("GET /accounts/{id}/security", (c, t, _) => c.Client.GetAsync($"/api/v1/accounts/{t.AccountId}/security"), (r, _) => Has(r, Permission.SettingsManage)),
            new("PUT /accounts/{id}/security", (c, t, _) => c.Client.PutAsJsonAsync($"/api/v1/accounts/{t.AccountId}/security", new { secondFactorRequired = false }),
                (r, _) => Has(r, Permission.SettingsManage)),
            new("PUT /accounts/{id}/users/{userId}/allowed-networks", (c, t, _) => c.Client.PutAsJsonAsync($"/api/v1/accounts/{t.AccountId}/users/{t.BasicUserId}/allowed-networks",
                new { allowedNetworks = Array.Empty<string>() }), (r, op) => ActsOnBasic(r, op, Permission.UsersManage)),
            new("GET /accounts/{id}/notification-templates/{event}", (c, t, _) => c.Client.GetAsync($"/api/v1/accounts/{t.AccountId}/notification-templates/order-confirmation"),
                (r, _) => Has(r, Permission.SettingsManage)),
            new("PUT /accounts/{id}/notification-templates/{event}", (c, t, _) => c.Client.PutAsJsonAsync($"/api/v1/accounts/{t.AccountId}/notification-templates/order-approved",
                new { subject = "Approved {{orderId}}", text = "Order {{orderId}} is approved." }), (r, _) => Has(r, Permission.SettingsManage)),
            new("PUT /accounts/{id}/notification-settings", (c, t, _) => c.Client.PutAsJsonAsync($"/api/v1/accounts/{t.AccountId}/notification-settings",
                new { reminderDays = new[] { 30, 7 } }), (r, _) => Has(r, Permission.SettingsManage)),
            new("POST /accounts/{id}/client-certificates (own membership only)", (c, t, ownTarget) =>
                // Registering needs ApiUse and the caller's own membership: operators and other tenants are refused.
                c.Client.PostAsJsonAsync($"/api/v1/accounts/{t.AccountId}/client-certificates", new { pem = MatrixCertificatePem() }),
                (r, op) => !op && Has(r, Permission.ApiUse)),
            new("GET /accounts/{id}/groups", (c, t, _) => c.Client.GetAsync($"/api/v1/accounts/{t.AccountId}/groups"), (r, _) => Has(r, Permission.DashboardView)),
            new("GET /accounts/{id}/groups/{groupId} (default group)", (c, t, _) => c.Client.GetAsync($"/api/v1/accounts/{t.AccountId}/groups/grp_default_{t.AccountId}"),
                (r, _) => Has(r, Permission.DashboardView)),
            new("POST /accounts/{id}/groups", (c, t, _) => c.Client.PostAsJsonAsync($"/api/v1/accounts/{t.AccountId}/groups", new { name = "G " + Guid.NewGuid().ToString("N") }),
                (r, _) => Has(r, Permission.GroupsManage)),
            new("PATCH /accounts/{id}/groups/{groupId}", (c, t, _) => c.Client.PatchAsJsonAsync($"/api/v1/accounts/{t.AccountId}/groups/{groupOf[t.AccountId]}",
                new { name = "Matrix " + Guid.NewGuid().ToString("N") }), (r, _) => Has(r, Permission.GroupsManage)),
            new("POST /accounts/{id}/groups/{groupId}/allocations", (c, t, _) => Keyed(c.Client, $"/api/v1/accounts/{t.AccountId}/groups/{groupOf[t.AccountId]}/allocations",
                new { amountMinor = 1 }), (r, _) => Has(r, Permission.GroupCreditsAllocate)),
            new("POST /accounts/{id}/groups/{groupId}/deallocations", (c, t, _) => Keyed(c.Client, $"/api/v1/accounts/{t.AccountId}/groups/{groupOf[t.AccountId]}/deallocations",
                new { amountMinor = 1 }), (r, _) => Has(r, Permission.GroupCreditsAllocate)),
            new("GET /accounts/{id}/groups/{groupId}/statement", (c, t, _) => c.Client.GetAsync($"/api/v1/accounts/{t.AccountId}/groups/{groupOf[t.AccountId]}/statement"),
                (r, _) => Has(r, Permission.FinanceView)),
            new("GET /accounts/{id}/price-list (sub-account)", (c, t, _) => c.Client.GetAsync($"/api/v1/accounts/{subOf[t.AccountId]}/price-list"),
                (r, op) => Has(r, Permission.DashboardView)),
            new("PUT /accounts/{id}/price-list/{productId} (sub-account)", (c, t, _) => c.Client.PutAsJsonAsync($"/api/v1/accounts/{subOf[t.AccountId]}/price-list/prd_tls_server",
                new { pricePerYearMinor = 4_000 }), (r, op) => Has(r, Permission.SubAccountPriceListsManage) && (op || Has(r, Permission.SubAccountsManage))),
            new("DELETE /accounts/{id}/price-list/{productId} (sub-account)", async (c, t, _) =>
            {
                using (var set = await server.Client.PutAsJsonAsync($"/api/v1/accounts/{subOf[t.AccountId]}/price-list/prd_tls_client", new { pricePerYearMinor = 1 })) await Json(set, 200);
                return await c.Client.DeleteAsync($"/api/v1/accounts/{subOf[t.AccountId]}/price-list/prd_tls_client");
            }, (r, op) => Has(r, Permission.SubAccountPriceListsManage) && (op || Has(r, Permission.SubAccountsManage))),
            new("POST /orders/{id}/documents (another member's order)", async (c, t, _) =>
            {
                using var body = new ByteArrayContent("%PDF-1.4 matrix"u8.ToArray());
                return await c.Client.PostAsync($"/api/v1/orders/{await OrderIdAsync(basicKeys[t.AccountId], t.AccountId)}/documents?name=m.pdf", body);
            }, (r, _) => Has(r, Permission.OrdersManage) && Has(r, Permission.OrdersViewOwn)),
            new("GET /orders/{id}/documents (another member's order)", async (c, t, _) =>
                await c.Client.GetAsync($"/api/v1/orders/{await OrderIdAsync(basicKeys[t.AccountId], t.AccountId)}/documents"), (r, _) => SeesAllOrders(r)),
            new("GET /orders/{id}/documents/{documentId} (another member's order)", async (c, t, _) =>
            {
                var orderId = await OrderIdAsync(basicKeys[t.AccountId], t.AccountId);
                return await c.Client.GetAsync($"/api/v1/orders/{orderId}/documents/{await DocumentOf(t, orderId)}");
            }, (r, _) => SeesAllOrders(r)),
            new("POST /orders/{id}/delegation (another member's order)", async (c, t, _) =>
                await c.Client.PostAsJsonAsync($"/api/v1/orders/{await OrderIdAsync(basicKeys[t.AccountId], t.AccountId)}/delegation", new { name = "D", email = NewEmail("dlg") }),
                (r, _) => Has(r, Permission.OrdersManage) && Has(r, Permission.OrdersViewOwn)),
            new("GET /cas (CA endpoints stay operator-admin only)", (c, _, _) => c.Client.GetAsync("/api/v1/cas"), (r, op) => op && r == OperatorRoles.Administrator),
        };

        var failures = new StringBuilder();
        var counted = 0;
        foreach (var c in callers)
        {
            foreach (var k in cases)
            {
                foreach (var (target, isOwn) in new[] { (ownTenant, true), (otherTenant, false) })
                {
                    using var response = await k.Send(c, target, isOwn);
                    var status = (int)response.StatusCode;
                    var allowed = k.Allowed(c.Role, c.IsOperator) && (c.IsOperator || isOwn || k.Name.StartsWith("GET /cas", StringComparison.Ordinal));
                    var ok = allowed ? status is >= 200 and < 300 : status is 403 or 404 && response.Content.Headers.ContentType?.MediaType == "application/problem+json";
                    counted++;
                    if (!ok)
                        failures.AppendLine($"{c.Label} on {(isOwn ? "own" : "other")} tenant, {k.Name}: wanted {(allowed ? "2xx" : "403/404")}, got {status} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }
        output.WriteLine($"{counted} calls: {callers.Count} callers x {cases.Count} endpoints x 2 tenants");
        Assert.True(failures.Length == 0, failures.ToString());
        Assert.NotEqual("", ownAdmin);
    }

    private static string MatrixCertificatePem()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=matrix", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        return cert.ExportCertificatePem();
    }

    /// <summary>Seeing another member's order takes a permission over the account's orders, not just one's own.</summary>
    private static bool SeesAllOrders(Role role) =>
        Has(role, Permission.OrdersViewOwn) && (Has(role, Permission.OrdersViewAll) || Has(role, Permission.OrdersApprove) || Has(role, Permission.OrdersManage));

    private async Task CreditAsync(string accountId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/billing/accounts/{accountId}/credits")
        {
            Content = JsonContent.Create(new { amountMinor = 100_000_000, currency = "USD", paymentReference = "matrix" }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await server.Client.SendAsync(request);
        await Json(response, 201);
    }

    /// <summary>An order in the account, without a CSR (nothing is issued), placed by <paramref name="by"/>.</summary>
    private static Task<HttpResponseMessage> PlaceOrderAsync(HttpClient by, string accountId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(new { accountId, productId = "prd_tls_server" }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return by.SendAsync(request);
    }

    private static async Task<string> ProductAsync(HttpClient admin, string accountId, string mode)
    {
        using var created = await admin.PostAsJsonAsync($"/api/v1/accounts/{accountId}/products",
            new { name = $"Matrix {mode} {Guid.NewGuid():N}", profileId = "tls-client", pricePerYearMinor = 100, currency = "USD", approvalMode = mode });
        return (await Json(created, 201)).GetProperty("id").GetString()!;
    }

    private static Task<HttpResponseMessage> Keyed(HttpClient by, string path, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return by.SendAsync(request);
    }

    private static async Task<string> OrderIdAsync(HttpClient by, string accountId)
    {
        using var response = await PlaceOrderAsync(by, accountId);
        return (await Json(response, 201)).GetProperty("id").GetString()!;
    }

    /// <summary>The account list is 200 for everyone with DashboardView; "success" for a tenant means the tenant is in it.</summary>
    private static async Task<HttpResponseMessage> ListContainsAsync(Caller c, Tenant t, bool own)
    {
        var response = await c.Client.GetAsync("/api/v1/accounts?pageSize=500");
        if (!response.IsSuccessStatusCode) return response;
        var ids = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        response.Dispose();
        // Turn "listed" into 200 and "not listed" into 404, so the matrix rule applies unchanged.
        return new HttpResponseMessage(ids.Contains(t.AccountId) ? System.Net.HttpStatusCode.OK : System.Net.HttpStatusCode.NotFound)
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/problem+json"),
        };
    }
}

public sealed class AuthorizationMatrixOnSqlite(RegistrationServer server, ITestOutputHelper output) : AuthorizationMatrixTests<RegistrationServer>(server, output);

public sealed class AuthorizationMatrixOnPostgres(PostgresRegistrationServer server, ITestOutputHelper output) : AuthorizationMatrixTests<PostgresRegistrationServer>(server, output);
