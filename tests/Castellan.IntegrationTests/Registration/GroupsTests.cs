using System.Net.Http.Json;
using System.Text.Json;
using static Castellan.IntegrationTests.Registration.RaTestClient;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>
/// Groups as RA objects over HTTP against a real server and database: the default group, finance pushed to Billing,
/// allocations, orders paid by the group, spend limits, user access, domain and organisation scope, bad input that
/// leaves nothing behind, and tenant isolation.
/// </summary>
public abstract class GroupsTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : RegistrationServer
{
    private const string TlsProduct = "prd_tls_server"; // 5000 USD cents a year, 199 days, one name included
    private const long TlsPrice = 5_000;

    [Fact]
    public async Task Every_account_has_a_default_group_and_an_order_naming_no_group_goes_through_it_paid_by_the_account()
    {
        var (account, admin) = await TenantAsync(10_000);
        var groups = await Json(await admin.GetAsync($"/api/v1/accounts/{account}/groups"), 200);
        var only = Assert.Single(groups.EnumerateArray());
        Assert.True(only.GetProperty("isDefault").GetBoolean());
        Assert.Equal($"grp_default_{account}", only.GetProperty("id").GetString());

        var order = await Json(await PlaceAsync(admin, new { productId = TlsProduct, sans = new[] { "dns:a.example.com" } }), 201);
        Assert.Equal(JsonValueKind.Null, order.GetProperty("groupId").ValueKind);
        Assert.Equal(10_000 - TlsPrice, await AccountBalanceAsync(server, account));
        // Naming the default group explicitly is the same thing.
        var named = await Json(await PlaceAsync(admin, new { productId = TlsProduct, groupId = $"grp_default_{account}", sans = new[] { "dns:b.example.com" } }), 201);
        Assert.Equal(JsonValueKind.Null, named.GetProperty("groupId").ValueKind);
        // Its finance is the account's: it cannot be given its own balance.
        await ProblemAsync(await admin.PatchAsJsonAsync($"/api/v1/accounts/{account}/groups/grp_default_{account}", new { finance = new { mode = "group" } }), 422, "policy-violation");
    }

    [Fact]
    public async Task A_group_paying_from_its_own_balance_takes_allocated_credits_pays_its_orders_and_gives_the_rest_back()
    {
        var (account, admin) = await TenantAsync(20_000);
        var group = await Json(await admin.PostAsJsonAsync($"/api/v1/accounts/{account}/groups",
            new { name = "Web team", finance = new { mode = "group", currency = "USD" } }), 201);
        var id = group.GetProperty("id").GetString()!;
        Assert.Equal("group", group.GetProperty("finance").GetProperty("mode").GetString());

        var allocated = await Json(await PostKeyedAsync(admin, $"/api/v1/accounts/{account}/groups/{id}/allocations", new { amountMinor = 6_000 }), 201);
        Assert.Equal("GroupAllocation", allocated.GetProperty("kind").GetString());
        Assert.Equal((14_000L, 6_000L), (await AccountBalanceAsync(server, account), await GroupBalanceAsync(server, account, id)));

        var order = await Json(await PlaceAsync(admin, new { productId = TlsProduct, groupId = id, sans = new[] { "dns:web.example.com" } }), 201);
        Assert.Equal(id, order.GetProperty("groupId").GetString());
        Assert.Equal((14_000L, 1_000L), (await AccountBalanceAsync(server, account), await GroupBalanceAsync(server, account, id)));

        // The group cannot cover a second order although the account could: nothing is kept, nothing moves.
        var key = NewKey();
        await ProblemAsync(await PlaceAsync(admin, new { productId = TlsProduct, groupId = id, sans = new[] { "dns:web2.example.com" } }, key), 402, "insufficient-credit");
        Assert.Equal((14_000L, 1_000L), (await AccountBalanceAsync(server, account), await GroupBalanceAsync(server, account, id)));
        var list = await Json(await admin.GetAsync($"/api/v1/orders?account={account}"), 200);
        Assert.Equal(1, list.GetProperty("total").GetInt32());

        await Json(await PostKeyedAsync(admin, $"/api/v1/accounts/{account}/groups/{id}/deallocations", new { amountMinor = 1_000 }), 201);
        Assert.Equal((15_000L, 0L), (await AccountBalanceAsync(server, account), await GroupBalanceAsync(server, account, id)));
        // More than the group holds is refused.
        await ProblemAsync(await PostKeyedAsync(admin, $"/api/v1/accounts/{account}/groups/{id}/deallocations", new { amountMinor = 1 }), 402, "insufficient-credit");

        var statement = await Json(await admin.GetAsync($"/api/v1/accounts/{account}/groups/{id}/statement"), 200);
        Assert.Equal(0, statement.GetProperty("balanceMinor").GetInt64());
        Assert.Equal(new[] { "GroupDeallocation", "OrderDebit", "GroupAllocation" },
            statement.GetProperty("history").EnumerateArray().Select(j => j.GetProperty("kind").GetString()).ToArray());
        var audit = await AuditAsync(server, "group.created", $"group:{id}");
        Assert.Contains("Web team", audit.GetProperty("detailsJson").GetString());
    }

    [Fact]
    public async Task A_spend_limit_set_on_a_group_refuses_the_order_that_would_pass_it()
    {
        var (account, admin) = await TenantAsync(50_000);
        var id = (await Json(await admin.PostAsJsonAsync($"/api/v1/accounts/{account}/groups",
            new { name = "Limited", finance = new { mode = "account", spendLimitMinor = 8_000, period = "month" } }), 201)).GetProperty("id").GetString()!;
        await Json(await PlaceAsync(admin, new { productId = TlsProduct, groupId = id, sans = new[] { "dns:one.example.com" } }), 201);
        await ProblemAsync(await PlaceAsync(admin, new { productId = TlsProduct, groupId = id, sans = new[] { "dns:two.example.com" } }), 402, "spend-limit-exceeded");
        Assert.Equal(50_000 - TlsPrice, await AccountBalanceAsync(server, account));

        // Raising the limit through PATCH is pushed to Billing at once.
        var raised = await Json(await admin.PatchAsJsonAsync($"/api/v1/accounts/{account}/groups/{id}", new { finance = new { spendLimitMinor = 10_000 } }), 200);
        Assert.Equal(10_000, raised.GetProperty("finance").GetProperty("spendLimitMinor").GetInt64());
        await Json(await PlaceAsync(admin, new { productId = TlsProduct, groupId = id, sans = new[] { "dns:two.example.com" } }), 201);
    }

    [Fact]
    public async Task Orders_through_a_group_are_refused_for_names_and_organisations_outside_its_scope_and_for_users_not_listed()
    {
        var (account, admin) = await TenantAsync(100_000);
        var listed = await server.AddMemberAsync(account, "manager");
        var other = await server.AddMemberAsync(account, "manager");
        var id = (await Json(await admin.PostAsJsonAsync($"/api/v1/accounts/{account}/groups", new
        {
            name = "Shop", userAccess = "listed-users", userIds = new[] { listed.UserId },
            domainScope = "specific", domains = new[] { "Shop.Example.com" }, organizationScope = "specific", organizations = new[] { "Shop Ltd" },
        }), 201)).GetProperty("id").GetString()!;

        // Domain scope: a name outside refuses the whole order; a subdomain is inside.
        var detail = await ProblemAsync(await PlaceAsync(listed.Key, new { productId = "prd_tls_multi", groupId = id, sans = new[] { "dns:www.shop.example.com", "dns:evil.example.org" } }), 422, "policy-violation");
        Assert.Contains("evil.example.org", detail);
        await Json(await PlaceAsync(listed.Key, new { productId = TlsProduct, groupId = id, sans = new[] { "dns:www.shop.example.com" } }), 201);
        // Organisation scope: the subject's O must be listed.
        await ProblemAsync(await PlaceAsync(listed.Key, new { productId = TlsProduct, groupId = id, subject = "CN=www.shop.example.com, O=Other Corp", sans = new[] { "dns:www.shop.example.com" } }), 422, "policy-violation");
        await Json(await PlaceAsync(listed.Key, new { productId = TlsProduct, groupId = id, subject = "CN=www.shop.example.com, O=Shop Ltd", sans = new[] { "dns:www.shop.example.com" } }), 201);

        // User access: a member not listed may not order through it, and does not see it among the groups to choose.
        await ProblemAsync(await PlaceAsync(other.Key, new { productId = TlsProduct, groupId = id, sans = new[] { "dns:www.shop.example.com" } }), 403, "forbidden");
        var basic = await server.AddMemberAsync(account, "basic-user");
        var visible = await Json(await basic.Key.GetAsync($"/api/v1/accounts/{account}/groups"), 200);
        Assert.DoesNotContain(id, visible.EnumerateArray().Select(g => g.GetProperty("id").GetString()));
        Assert.Equal(100_000 - 2 * TlsPrice, await AccountBalanceAsync(server, account));
    }

    [Fact]
    public async Task Bad_group_input_is_refused_with_a_problem_and_leaves_no_group_and_no_money_moved()
    {
        var (account, admin) = await TenantAsync(10_000);
        var (otherAccount, otherAdmin) = await TenantAsync(10_000);
        var otherGroup = (await Json(await otherAdmin.PostAsJsonAsync($"/api/v1/accounts/{otherAccount}/groups", new { name = "Theirs" }), 201)).GetProperty("id").GetString()!;
        var path = $"/api/v1/accounts/{account}/groups";
        object[] malformed =
        [
            new { name = "" },
            new { name = new string('x', 101) },
            new { name = "tab\there" },
            new { name = "Scope", domainScope = "specific" },
            new { name = "Scope", domainScope = "specific", domains = new[] { "not a domain" } },
            new { name = "Scope", domainScope = "specific", domains = new[] { "../../etc" } },
            new { name = "Scope", domainScope = "all", domains = new[] { "example.com" } },
            new { name = "Scope", domainScope = "some" },
            new { name = "Users", userAccess = "listed-users" },
            new { name = "Users", userAccess = "everyone" },
            new { name = "Money", finance = new { mode = "group", spendLimitMinor = -1 } },
            new { name = "Money", finance = new { mode = "credit-card" } },
            new { name = "Money", finance = new { currency = "usd" } },
            new { name = "Money", finance = new { period = "week" } },
        ];
        foreach (var body in malformed) await ProblemAsync(await admin.PostAsJsonAsync(path, body), 400, "malformed-input");
        await ProblemAsync(await admin.PostAsJsonAsync(path, new { name = "Users", userAccess = "listed-users", userIds = new[] { "usr_nobody" } }), 404, "not-found");
        var id = (await Json(await admin.PostAsJsonAsync(path, new { name = "Finance", finance = new { mode = "group" } }), 201)).GetProperty("id").GetString()!;
        await ProblemAsync(await admin.PostAsJsonAsync(path, new { name = "FINANCE" }), 409, "conflict");
        Assert.Equal(2, (await Json(await admin.GetAsync(path), 200)).GetArrayLength());

        // Allocations: not positive, too much, no key, another currency.
        await ProblemAsync(await PostKeyedAsync(admin, $"{path}/{id}/allocations", new { amountMinor = -5 }), 400, "malformed-input");
        await ProblemAsync(await PostKeyedAsync(admin, $"{path}/{id}/allocations", new { amountMinor = 0 }), 400, "malformed-input");
        await ProblemAsync(await PostKeyedAsync(admin, $"{path}/{id}/allocations", new { amountMinor = long.MaxValue }), 402, "insufficient-credit");
        await ProblemAsync(await admin.PostAsJsonAsync($"{path}/{id}/allocations", new { amountMinor = 5 }), 400, "malformed-input");
        await ProblemAsync(await PostKeyedAsync(admin, $"{path}/{id}/allocations", new { amountMinor = 5, currency = "EUR" }), 422, "currency-mismatch");
        Assert.Equal((10_000L, 0L), (await AccountBalanceAsync(server, account), await GroupBalanceAsync(server, account, id)));

        // Unknown and other tenants' groups: 404 on the URL and in an order, and the order is not kept.
        await ProblemAsync(await admin.GetAsync($"{path}/grp_unknown"), 404, "not-found");
        await ProblemAsync(await admin.GetAsync($"{path}/{otherGroup}"), 404, "not-found");
        await ProblemAsync(await admin.PatchAsJsonAsync($"/api/v1/accounts/{otherAccount}/groups/{otherGroup}", new { name = "Mine now" }), 404, "not-found");
        await ProblemAsync(await PostKeyedAsync(admin, $"/api/v1/accounts/{otherAccount}/groups/{otherGroup}/allocations", new { amountMinor = 5 }), 404, "not-found");
        await ProblemAsync(await PlaceAsync(admin, new { productId = TlsProduct, groupId = otherGroup, sans = new[] { "dns:x.example.com" } }), 404, "not-found");
        await ProblemAsync(await PlaceAsync(admin, new { productId = TlsProduct, groupId = "grp_unknown", sans = new[] { "dns:x.example.com" } }), 404, "not-found");
        Assert.Equal(0, (await Json(await admin.GetAsync($"/api/v1/orders?account={account}"), 200)).GetProperty("total").GetInt32());
        Assert.Equal(10_000, await AccountBalanceAsync(server, account));
        Assert.Equal("Theirs", (await Json(await otherAdmin.GetAsync($"/api/v1/accounts/{otherAccount}/groups/{otherGroup}"), 200)).GetProperty("name").GetString());
    }

    private async Task<(string Account, HttpClient Admin)> TenantAsync(long credit)
    {
        var (account, adminUser) = await server.CreateAccountAsync("enterprise");
        if (credit > 0) await CreditAsync(server, account, credit);
        return (account, server.KeyClient(await server.NewKeyAsync(account, adminUser)));
    }
}

public sealed class GroupsTestsOnSqlite(RegistrationServer server) : GroupsTests<RegistrationServer>(server);

public sealed class GroupsTestsOnPostgres(PostgresRegistrationServer server) : GroupsTests<PostgresRegistrationServer>(server);
