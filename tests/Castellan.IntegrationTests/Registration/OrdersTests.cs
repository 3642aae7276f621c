using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Support;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>
/// Orders over HTTP against a real server and database: payment through the ledger, the state machine, issuance
/// through the CA (checked with openssl), refunds, idempotency, races and tenant isolation.
/// </summary>
public abstract class OrdersTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : RegistrationServer
{
    /// <summary>Built-in: tls-server, 199 days, 5000 USD cents a year, one name included.</summary>
    private const string TlsProduct = "prd_tls_server";
    private const long TlsPrice = 5_000;

    [Fact]
    public async Task Administrator_places_an_order_with_a_CSR_it_is_paid_issued_and_the_certificate_verifies_with_openssl()
    {
        var tenant = await NewTenantAsync(credit: 12_000);
        var dir = TestPaths.NewDirectory("order");
        var csr = await NewCsrAsync(dir, "shop.example.com");

        using var placed = await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct, csr, remarks = "for the shop", reportingTags = new[] { "IT" } });
        var order = await Json(placed, 201);
        Assert.Equal("fulfilled", order.GetProperty("status").GetString());
        Assert.Equal("Order Fulfilled", order.GetProperty("statusLabel").GetString());
        Assert.Equal(TlsPrice, order.GetProperty("priceMinor").GetInt64());
        Assert.Equal(12_000 - TlsPrice, await BalanceAsync(tenant.AccountId));

        var serial = order.GetProperty("certificateSerial").GetString()!;
        using var pem = await server.Client.GetAsync($"/api/v1/certificates/{serial}?format=pem");
        Assert.Equal(HttpStatusCode.OK, pem.StatusCode);
        var certs = Tools.SplitPem(await pem.Content.ReadAsStringAsync());
        File.WriteAllText(Path.Combine(dir, "leaf.pem"), certs[0]);
        File.WriteAllText(Path.Combine(dir, "issuer.pem"), certs[1]);
        File.WriteAllText(Path.Combine(dir, "root.pem"), certs[^1]);
        var verify = await Tools.OpenSslAsync("verify", "-CAfile", Path.Combine(dir, "root.pem"), "-untrusted", Path.Combine(dir, "issuer.pem"),
            "-purpose", "sslserver", "-verify_hostname", "shop.example.com", Path.Combine(dir, "leaf.pem"));
        Assert.True(verify.ExitCode == 0, verify.All);
        var text = await Tools.OpenSslAsync("x509", "-in", Path.Combine(dir, "leaf.pem"), "-noout", "-serial");
        Assert.Equal(serial, text.StdOut.Trim()["serial=".Length..], ignoreCase: true);

        var id = order.GetProperty("id").GetString()!;
        var placedEvent = await AuditAsync("order.placed", id);
        Assert.Equal($"user:{tenant.AdminUserId}", placedEvent.GetProperty("actor").GetString());
        var details = JsonDocument.Parse(placedEvent.GetProperty("detailsJson").GetString()!).RootElement;
        Assert.Equal(JsonValueKind.Null, details.GetProperty("from").ValueKind);
        Assert.Equal("accepted", details.GetProperty("to").GetString());
        var fulfilled = JsonDocument.Parse((await AuditAsync("order.fulfilled", id)).GetProperty("detailsJson").GetString()!).RootElement;
        Assert.Equal(("accepted", "fulfilled"), (fulfilled.GetProperty("from").GetString(), fulfilled.GetProperty("to").GetString()));
    }

    [Fact]
    public async Task A_basic_users_order_waits_for_approval_the_administrator_approves_it_and_a_rejected_one_is_refunded()
    {
        var tenant = await NewTenantAsync(credit: 20_000);
        var basic = await server.AddMemberAsync(tenant.AccountId, "basic-user");
        var csr = await NewCsrAsync(TestPaths.NewDirectory("order"), "basic.example.com");

        using var placed = await PlaceAsync(basic.Key, NewKey(), new { productId = TlsProduct, csr });
        var order = await Json(placed, 201);
        var id = order.GetProperty("id").GetString()!;
        Assert.Equal("pending-approval", order.GetProperty("status").GetString());
        Assert.Equal("Order Pending for Approval", order.GetProperty("statusLabel").GetString());
        Assert.Equal(20_000 - TlsPrice, await BalanceAsync(tenant.AccountId));

        // The basic user holds no OrdersApprove; the administrator does.
        using (var refused = await basic.Key.PostAsync($"/api/v1/orders/{id}/approve", null)) await Json(refused, 403);
        using var approved = await tenant.Admin.PostAsync($"/api/v1/orders/{id}/approve", null);
        var after = await Json(approved, 200);
        Assert.Equal("fulfilled", after.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(after.GetProperty("certificateSerial").GetString()));
        var approval = JsonDocument.Parse((await AuditAsync("order.approved", id)).GetProperty("detailsJson").GetString()!).RootElement;
        Assert.Equal(("pending-approval", "accepted"), (approval.GetProperty("from").GetString(), approval.GetProperty("to").GetString()));

        // A second order is rejected with a reason: the money comes back.
        using var second = await PlaceAsync(basic.Key, NewKey(), new { productId = TlsProduct, csr });
        var secondId = (await Json(second, 201)).GetProperty("id").GetString()!;
        Assert.Equal(20_000 - 2 * TlsPrice, await BalanceAsync(tenant.AccountId));
        using (var noReason = await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{secondId}/reject", new { reason = "" })) await Json(noReason, 400);
        using var rejected = await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{secondId}/reject", new { reason = "not our domain" });
        var rejectedOrder = await Json(rejected, 200);
        Assert.Equal("rejected", rejectedOrder.GetProperty("status").GetString());
        Assert.Equal("not our domain", rejectedOrder.GetProperty("statusReason").GetString());
        Assert.Equal(20_000 - TlsPrice, await BalanceAsync(tenant.AccountId));
        Assert.Equal($"user:{tenant.AdminUserId}", (await AuditAsync("order.rejected", secondId)).GetProperty("actor").GetString());
    }

    [Fact]
    public async Task A_draft_is_on_hold_and_unpaid_until_placed()
    {
        var tenant = await NewTenantAsync(credit: 10_000);
        var csr = await NewCsrAsync(TestPaths.NewDirectory("order"), "draft.example.com");
        using var saved = await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct, csr, saveAsDraft = true });
        var draft = await Json(saved, 201);
        Assert.Equal("on-hold", draft.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, draft.GetProperty("debitJournalId").ValueKind);
        Assert.Equal(10_000, await BalanceAsync(tenant.AccountId));

        using var placed = await tenant.Admin.PostAsync($"/api/v1/orders/{draft.GetProperty("id").GetString()}/place", null);
        var order = await Json(placed, 200);
        Assert.Equal("fulfilled", order.GetProperty("status").GetString());
        Assert.Equal(10_000 - TlsPrice, await BalanceAsync(tenant.AccountId));
        using var again = await tenant.Admin.PostAsync($"/api/v1/orders/{draft.GetProperty("id").GetString()}/place", null);
        await ProblemAsync(again, 409, "conflict");
        Assert.Equal(10_000 - TlsPrice, await BalanceAsync(tenant.AccountId));
    }

    [Fact]
    public async Task An_order_without_a_CSR_is_accepted_and_issued_when_the_CSR_arrives()
    {
        var tenant = await NewTenantAsync(credit: 10_000);
        using var placed = await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct, sans = new[] { "dns:later.example.com" } });
        var order = await Json(placed, 201);
        var id = order.GetProperty("id").GetString()!;
        Assert.Equal("accepted", order.GetProperty("status").GetString());
        Assert.False(order.GetProperty("hasCsr").GetBoolean());

        using (var garbage = await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{id}/csr", new { csr = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----" }))
            Assert.Equal(400, (int)garbage.StatusCode);
        var csr = await NewCsrAsync(TestPaths.NewDirectory("order"), "later.example.com");
        using var submitted = await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{id}/csr", new { csr });
        var after = await Json(submitted, 200);
        Assert.Equal("fulfilled", after.GetProperty("status").GetString());
        var c = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/certificates/{after.GetProperty("certificateSerial").GetString()}");
        Assert.Contains("dns:later.example.com", c.GetProperty("sans").EnumerateArray().Select(s => s.GetString()));
        using var twice = await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{id}/csr", new { csr });
        await ProblemAsync(twice, 409, "conflict");
    }

    [Fact]
    public async Task Cancelling_a_paid_order_refunds_it_and_a_fulfilled_order_cannot_be_cancelled()
    {
        var tenant = await NewTenantAsync(credit: 10_000);
        using var placed = await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct });
        var id = (await Json(placed, 201)).GetProperty("id").GetString()!;
        Assert.Equal(10_000 - TlsPrice, await BalanceAsync(tenant.AccountId));

        using (var noRemarks = await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{id}/cancel", new { })) await Json(noRemarks, 400);
        using var cancelled = await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{id}/cancel", new { remarks = "ordered by mistake" });
        Assert.Equal("cancelled", (await Json(cancelled, 200)).GetProperty("status").GetString());
        Assert.Equal(10_000, await BalanceAsync(tenant.AccountId));
        var audit = JsonDocument.Parse((await AuditAsync("order.cancelled", id)).GetProperty("detailsJson").GetString()!).RootElement;
        Assert.Equal(("accepted", "cancelled"), (audit.GetProperty("from").GetString(), audit.GetProperty("to").GetString()));
        Assert.StartsWith("cn_", audit.GetProperty("details").GetProperty("creditNote").GetString());

        // Illegal transitions are 409 problems naming the status, and move no money.
        using var twice = await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{id}/cancel", new { remarks = "again" });
        Assert.Contains("Order Cancelled", await ProblemAsync(twice, 409, "conflict"));
        var csr = await NewCsrAsync(TestPaths.NewDirectory("order"), "done.example.com");
        using var issued = await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct, csr });
        var fulfilledId = (await Json(issued, 201)).GetProperty("id").GetString()!;
        using var late = await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{fulfilledId}/cancel", new { remarks = "too late" });
        Assert.Contains("Order Fulfilled", await ProblemAsync(late, 409, "conflict"));
        using var approveFulfilled = await tenant.Admin.PostAsync($"/api/v1/orders/{fulfilledId}/approve", null);
        await ProblemAsync(approveFulfilled, 409, "conflict");
        Assert.Equal(10_000 - TlsPrice, await BalanceAsync(tenant.AccountId));
    }

    [Fact]
    public async Task The_same_idempotency_key_and_body_give_one_order_and_one_debit_and_another_body_is_a_409()
    {
        var tenant = await NewTenantAsync(credit: 50_000);
        var key = NewKey();
        var body = new { productId = TlsProduct, remarks = "replay me" };
        using var first = await PlaceAsync(tenant.Admin, key, body);
        var id = (await Json(first, 201)).GetProperty("id").GetString()!;
        using var replay = await PlaceAsync(tenant.Admin, key, body);
        Assert.Equal(id, (await Json(replay, 200)).GetProperty("id").GetString());

        // Racing retries of one request: still one order and one debit.
        var raceKey = NewKey();
        var race = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PlaceAsync(tenant.Admin, raceKey, body)));
        var ids = new HashSet<string>();
        foreach (var r in race) { ids.Add((await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!); r.Dispose(); }
        Assert.Single(ids);
        Assert.Equal(1, race.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(50_000 - 2 * TlsPrice, await BalanceAsync(tenant.AccountId));

        using var other = await PlaceAsync(tenant.Admin, key, new { productId = TlsProduct, remarks = "something else" });
        await ProblemAsync(other, 409, "idempotency-key-reused");
        using var missing = await tenant.Admin.PostAsJsonAsync("/api/v1/orders", body);
        await ProblemAsync(missing, 400, "malformed-input");
        Assert.Equal(50_000 - 2 * TlsPrice, await BalanceAsync(tenant.AccountId));
        Assert.Equal(2, (await ListAsync(tenant.Admin, "")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Of_two_concurrent_approvals_exactly_one_succeeds()
    {
        var tenant = await NewTenantAsync(credit: 10_000);
        var basic = await server.AddMemberAsync(tenant.AccountId, "basic-user");
        var manager = await server.AddMemberAsync(tenant.AccountId, "manager");
        var csr = await NewCsrAsync(TestPaths.NewDirectory("order"), "race.example.com");
        using var placed = await PlaceAsync(basic.Key, NewKey(), new { productId = TlsProduct, csr });
        var id = (await Json(placed, 201)).GetProperty("id").GetString()!;

        var responses = await Task.WhenAll(tenant.Admin.PostAsync($"/api/v1/orders/{id}/approve", null), manager.Key.PostAsync($"/api/v1/orders/{id}/approve", null));
        var codes = responses.Select(r => (int)r.StatusCode).Order().ToArray();
        foreach (var r in responses) r.Dispose();
        Assert.Equal([200, 409], codes);
        var audit = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=order.approved&target=order:{id}");
        Assert.Single(audit.EnumerateArray());
        var issued = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=order.fulfilled&target=order:{id}");
        Assert.Single(issued.EnumerateArray());
    }

    [Fact]
    public async Task Insufficient_credit_is_a_402_problem_and_leaves_no_order_and_no_debit()
    {
        var tenant = await NewTenantAsync(credit: TlsPrice - 1);
        using var refused = await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct });
        Assert.Contains("insufficient credit", await ProblemAsync(refused, 402, "insufficient-credit"));
        Assert.Equal(TlsPrice - 1, await BalanceAsync(tenant.AccountId));
        Assert.Equal(0, (await ListAsync(tenant.Admin, "")).GetProperty("total").GetInt32());
        var statement = await server.Get<Castellan.Billing.Contracts.ILedgerStore>().ListJournalsAsync(tenant.AccountId, null, 0, 10, CancellationToken.None);
        Assert.DoesNotContain(statement, j => j.Kind == Castellan.Billing.Contracts.JournalKind.OrderDebit);

        // An account never credited at all is refused the same way.
        var empty = await NewTenantAsync(credit: 0);
        using var none = await PlaceAsync(empty.Admin, NewKey(), new { productId = TlsProduct });
        Assert.True((int)none.StatusCode is 402 or 422, $"wanted 402 or 422, got {(int)none.StatusCode}");
        Assert.Equal(0, (await ListAsync(empty.Admin, "")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Another_tenant_can_neither_see_nor_act_on_an_order_and_a_basic_user_sees_only_their_own()
    {
        var a = await NewTenantAsync(credit: 10_000);
        var b = await NewTenantAsync(credit: 10_000);
        var basicA = await server.AddMemberAsync(a.AccountId, "basic-user");
        var basicA2 = await server.AddMemberAsync(a.AccountId, "basic-user");
        using var placed = await PlaceAsync(basicA.Key, NewKey(), new { productId = TlsProduct });
        var id = (await Json(placed, 201)).GetProperty("id").GetString()!;

        using (var get = await b.Admin.GetAsync($"/api/v1/orders/{id}")) await Json(get, 404);
        using (var approve = await b.Admin.PostAsync($"/api/v1/orders/{id}/approve", null)) await Json(approve, 404);
        using (var cancel = await b.Admin.PostAsJsonAsync($"/api/v1/orders/{id}/cancel", new { remarks = "mine now" })) await Json(cancel, 404);
        using (var list = await b.Admin.GetAsync($"/api/v1/orders?account={a.AccountId}")) await Json(list, 404);
        using (var placeThere = await PlaceAsync(b.Admin, NewKey(), new { accountId = a.AccountId, productId = TlsProduct })) await Json(placeThere, 404);
        using (var peer = await basicA2.Key.GetAsync($"/api/v1/orders/{id}")) await Json(peer, 404);
        Assert.Equal(0, (await ListAsync(basicA2.Key, "")).GetProperty("total").GetInt32());

        using (var own = await basicA.Key.GetAsync($"/api/v1/orders/{id}")) await Json(own, 200);
        using (var admin = await a.Admin.GetAsync($"/api/v1/orders/{id}")) await Json(admin, 200);
        using (var op = await server.Client.GetAsync($"/api/v1/orders/{id}")) await Json(op, 200);
        Assert.Equal(10_000 - TlsPrice, await BalanceAsync(a.AccountId));
        Assert.Equal(10_000, await BalanceAsync(b.AccountId));
        Assert.Equal(1, (await ListAsync(a.Admin, "?status=pending-approval")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await ListAsync(a.Admin, "?status=fulfilled")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task An_account_creates_a_private_product_only_it_can_see_and_order()
    {
        var a = await NewTenantAsync(credit: 10_000);
        var b = await NewTenantAsync(credit: 10_000);
        using (var tooLong = await a.Admin.PostAsJsonAsync($"/api/v1/accounts/{a.AccountId}/products",
            new { name = "Too long", profileId = "tls-client", validityDays = 5000, pricePerYearMinor = 100, currency = "USD" })) await Json(tooLong, 422);
        using var created = await a.Admin.PostAsJsonAsync($"/api/v1/accounts/{a.AccountId}/products", new
        {
            name = "Internal clients", profileId = "tls-client", validityDays = 730, pricePerYearMinor = 1_000, currency = "USD",
            autoApprove = true, approvalMode = "automatic", approvalCriteria = "internal device fleet", sansIncluded = 1, pricePerExtraSanMinor = 200,
        });
        var product = await Json(created, 201);
        var productId = product.GetProperty("id").GetString()!;
        Assert.False(product.GetProperty("builtIn").GetBoolean());

        var ownList = await a.Admin.GetFromJsonAsync<JsonElement>("/api/v1/products");
        Assert.Contains(productId, ownList.EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Contains(TlsProduct, ownList.EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        var otherList = await b.Admin.GetFromJsonAsync<JsonElement>("/api/v1/products");
        Assert.DoesNotContain(productId, otherList.EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        using (var peek = await b.Admin.GetAsync($"/api/v1/products/{productId}")) await Json(peek, 404);
        using (var order = await PlaceAsync(b.Admin, NewKey(), new { productId })) await Json(order, 404);

        // Two years, three names (two extra): (1000 + 2 x 200) x 2. Auto-approve: a basic user's order needs no administrator.
        var basic = await server.AddMemberAsync(a.AccountId, "basic-user");
        var csr = await NewCsrAsync(TestPaths.NewDirectory("order"), "device1.example.com");
        using var placed = await PlaceAsync(basic.Key, NewKey(), new
        {
            productId, csr, subject = "CN=device1.example.com", sans = new[] { "dns:device1.example.com", "dns:device2.example.com", "dns:device3.example.com" },
        });
        var placedOrder = await Json(placed, 201);
        Assert.Equal(2_800, placedOrder.GetProperty("priceMinor").GetInt64());
        Assert.Equal("fulfilled", placedOrder.GetProperty("status").GetString());
        Assert.Equal(10_000 - 2_800, await BalanceAsync(a.AccountId));
    }

    [Fact]
    public async Task A_sub_account_users_order_waits_for_the_parent_partner_who_approves_it()
    {
        var (partner, partnerAdmin) = await server.CreateAccountAsync("partner");
        var partnerKey = server.KeyClient(await server.NewKeyAsync(partner, partnerAdmin));
        var sub = await NewTenantAsync(credit: 10_000, parentId: partner);
        var subUser = await server.AddMemberAsync(sub.AccountId, "sub-account-user");
        var csr = await NewCsrAsync(TestPaths.NewDirectory("order"), "sub.example.com");

        using var placed = await PlaceAsync(subUser.Key, NewKey(), new { productId = TlsProduct, csr });
        var order = await Json(placed, 201);
        Assert.Equal("pending-parent-approval", order.GetProperty("status").GetString());
        Assert.Equal("Order Pending for Parent Approval", order.GetProperty("statusLabel").GetString());
        using (var self = await subUser.Key.PostAsync($"/api/v1/orders/{order.GetProperty("id").GetString()}/approve", null)) await Json(self, 403);
        using var approved = await partnerKey.PostAsync($"/api/v1/orders/{order.GetProperty("id").GetString()}/approve", null);
        Assert.Equal("fulfilled", (await Json(approved, 200)).GetProperty("status").GetString());
        Assert.Equal(10_000 - TlsPrice, await BalanceAsync(sub.AccountId));
    }

    [Fact]
    public async Task A_CSR_the_profile_refuses_leaves_the_order_in_progress_with_the_reason_and_cancelling_refunds_it()
    {
        var tenant = await NewTenantAsync(credit: 10_000);
        // The tls-server profile takes no Ed25519 keys (browsers do not); the CSR itself is well formed.
        var dir = TestPaths.NewDirectory("order");
        var csr = File.ReadAllText(await Tools.NewCsrAsync(dir, "ed25519", "/CN=ed.example.com", "DNS:ed.example.com"));
        using var placed = await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct, csr });
        var order = await Json(placed, 201);
        var id = order.GetProperty("id").GetString()!;
        Assert.Equal("in-progress", order.GetProperty("status").GetString());
        Assert.Contains("Ed25519", order.GetProperty("statusReason").GetString());
        Assert.Equal(JsonValueKind.Null, order.GetProperty("certificateSerial").ValueKind);
        Assert.Equal("in-progress", (await tenant.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{id}")).GetProperty("status").GetString());
        Assert.Single((await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=order.issuance-failed&target=order:{id}")).EnumerateArray());

        using var cancelled = await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{id}/cancel", new { remarks = "will send an EC key" });
        Assert.Equal("cancelled", (await Json(cancelled, 200)).GetProperty("status").GetString());
        Assert.Equal(10_000, await BalanceAsync(tenant.AccountId));
    }

    [Fact]
    public async Task Repeating_a_cancellation_whose_refund_was_lost_completes_the_refund_once()
    {
        var tenant = await NewTenantAsync(credit: 10_000);
        using var placed = await PlaceAsync(tenant.Admin, NewKey(), new { productId = TlsProduct });
        var id = (await Json(placed, 201)).GetProperty("id").GetString()!;
        // What a crash right after the status change leaves behind: cancelled, still debited.
        var store = server.Get<Castellan.Registration.Contracts.IOrderStore>();
        Assert.True(await store.TransitionAsync(id, new(Castellan.Registration.Orders.OrderStatus.Accepted, Castellan.Registration.Orders.OrderStatus.Cancelled, DateTimeOffset.UtcNow), CancellationToken.None));
        Assert.Equal(10_000 - TlsPrice, await BalanceAsync(tenant.AccountId));

        using var retried = await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{id}/cancel", new { remarks = "retry" });
        Assert.Equal("cancelled", (await Json(retried, 200)).GetProperty("status").GetString());
        Assert.Equal(10_000, await BalanceAsync(tenant.AccountId));
        using var again = await tenant.Admin.PostAsJsonAsync($"/api/v1/orders/{id}/cancel", new { remarks = "retry" });
        await ProblemAsync(again, 409, "conflict");
        Assert.Equal(10_000, await BalanceAsync(tenant.AccountId));
    }

    private sealed record Tenant(string AccountId, string AdminUserId, HttpClient Admin);

    private async Task<Tenant> NewTenantAsync(long credit, string? parentId = null)
    {
        var (account, admin) = await server.CreateAccountAsync("enterprise", parentId);
        if (credit > 0)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/billing/accounts/{account}/credits")
            {
                Content = JsonContent.Create(new { amountMinor = credit, currency = "USD", paymentReference = "wire " + Guid.NewGuid().ToString("N")[..8] }),
            };
            request.Headers.Add("Idempotency-Key", NewKey());
            using var credited = await server.Client.SendAsync(request);
            await Json(credited, 201);
        }
        var tenant = new Tenant(account, admin, server.KeyClient(await server.NewKeyAsync(account, admin)));
        // tls-server orders need domain control: the tenant proves example.com (and so its subdomains) once, through the real VA and BIND.
        await server.ValidateDomainAsync(tenant.Admin);
        return tenant;
    }

    private static string NewKey() => "key-" + Guid.NewGuid().ToString("N");

    private static async Task<HttpResponseMessage> PlaceAsync(HttpClient client, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
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

    private static async Task<JsonElement> ListAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync("/api/v1/orders" + query);
        return await Json(response, 200);
    }

    private async Task<JsonElement> AuditAsync(string action, string orderId)
    {
        var entries = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action={action}&target=order:{orderId}");
        return entries.EnumerateArray().Single();
    }

    /// <summary>Asserts an RFC 9457 problem of the given status and type; returns its detail.</summary>
    private static async Task<string> ProblemAsync(HttpResponseMessage response, int status, string type)
    {
        var problem = await Json(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"urn:castellan:problem:{type}", problem.GetProperty("type").GetString());
        return problem.GetProperty("detail").GetString()!;
    }
}

public sealed class OrdersTestsOnSqlite(RegistrationServer server) : OrdersTests<RegistrationServer>(server);

public sealed class OrdersTestsOnPostgres(PostgresRegistrationServer server) : OrdersTests<PostgresRegistrationServer>(server);
