using System.Net.Http.Json;
using System.Text.Json;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>
/// Editing and disabling an account's private product over HTTP: audited, only in the owning tenant, refused by field
/// with nothing changed when the validity exceeds the profile, and a disabled product takes no new orders while the
/// orders placed before it go on.
/// </summary>
public abstract class ProductEditTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : RegistrationServer
{
    [Fact]
    public async Task The_owner_edits_a_product_another_tenant_cannot_see_or_change_it_and_a_built_in_product_is_refused()
    {
        var (a, adminA) = await TenantAsync();
        var (_, adminB) = await TenantAsync();
        var id = await NewProductAsync(a, adminA);

        using (var edited = await adminA.PatchAsJsonAsync($"/api/v1/products/{id}", new
        {
            name = "Renamed TLS", validityDays = 30, pricePerYearMinor = 2_500, approvalMode = "manual", approvalCriteria = "Names checked; Requester called back",
        }))
        {
            var product = await Json(edited, 200);
            Assert.Equal(("Renamed TLS", 30, 2_500L), (product.GetProperty("name").GetString(), product.GetProperty("validityDays").GetInt32(), product.GetProperty("pricePerYearMinor").GetInt64()));
            Assert.Equal(["Names checked", "Requester called back"], product.GetProperty("checklist").EnumerateArray().Select(e => e.GetString()!));
        }
        var audit = (await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=product.updated&target=product:{id}")).EnumerateArray().Single();
        var details = JsonDocument.Parse(audit.GetProperty("detailsJson").GetString()!).RootElement;
        Assert.Equal((90, 30), (details.GetProperty("before").GetProperty("ValidityDays").GetInt32(), details.GetProperty("after").GetProperty("ValidityDays").GetInt32()));

        // Tenant B: the product does not exist for it, to read, edit or disable.
        using (var read = await adminB.GetAsync($"/api/v1/products/{id}")) await Json(read, 404);
        using (var edit = await adminB.PatchAsJsonAsync($"/api/v1/products/{id}", new { name = "Hijacked" })) await Json(edit, 404);
        using (var disable = await adminB.PostAsync($"/api/v1/products/{id}/disable", null)) await Json(disable, 404);
        var after = await Json(await adminA.GetAsync($"/api/v1/products/{id}"), 200);
        Assert.Equal(("Renamed TLS", JsonValueKind.Null), (after.GetProperty("name").GetString(), after.GetProperty("disabledAt").ValueKind));

        using (var builtIn = await adminA.PatchAsJsonAsync("/api/v1/products/prd_tls_server", new { name = "Mine now" })) await Json(builtIn, 403);
        Assert.Equal("TLS server", (await Json(await adminA.GetAsync("/api/v1/products/prd_tls_server"), 200)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_validity_beyond_the_profile_is_refused_by_its_field_and_nothing_changes()
    {
        var (a, admin) = await TenantAsync();
        var id = await NewProductAsync(a, admin);
        using var refused = await admin.PatchAsJsonAsync($"/api/v1/products/{id}", new { name = "Should not stick", validityDays = 5_000 });
        var problem = await Json(refused, 422);
        var error = problem.GetProperty("errors").EnumerateArray().Single();
        Assert.Equal("validityDays", error.GetProperty("field").GetString());
        Assert.Contains("tls-server", error.GetProperty("detail").GetString());
        var unchanged = await Json(await admin.GetAsync($"/api/v1/products/{id}"), 200);
        Assert.Equal((90, "Editable"), (unchanged.GetProperty("validityDays").GetInt32(), unchanged.GetProperty("name").GetString()![..8]));
        Assert.Empty((await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=product.updated&target=product:{id}")).EnumerateArray());

        using var negative = await admin.PatchAsJsonAsync($"/api/v1/products/{id}", new { pricePerYearMinor = -1 });
        Assert.Equal("pricePerYearMinor", (await Json(negative, 400)).GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_disabled_product_refuses_new_orders_and_an_order_placed_before_is_still_approved()
    {
        var (a, admin) = await TenantAsync();
        var id = await NewProductAsync(a, admin);
        var basic = await server.AddMemberAsync(a, "basic-user");
        var before = (await Json(await PlaceAsync(basic.Key, id), 201)).GetProperty("id").GetString()!;

        var disabled = await Json(await admin.PostAsync($"/api/v1/products/{id}/disable", null), 200);
        Assert.NotEqual(JsonValueKind.Null, disabled.GetProperty("disabledAt").ValueKind);
        Assert.Single((await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=product.disabled&target=product:{id}")).EnumerateArray());

        var refused = await Json(await PlaceAsync(admin, id), 409);
        Assert.Contains("disabled", refused.GetProperty("detail").GetString());
        Assert.Equal("productId", refused.GetProperty("errors")[0].GetProperty("field").GetString());
        using var approved = await admin.PostAsync($"/api/v1/orders/{before}/approve", null);
        Assert.Equal("accepted", (await Json(approved, 200)).GetProperty("status").GetString());
    }

    private async Task<(string AccountId, HttpClient Admin)> TenantAsync()
    {
        var (account, adminId) = await server.CreateAccountAsync("enterprise");
        return (account, server.KeyClient(await server.NewKeyAsync(account, adminId)));
    }

    private static async Task<string> NewProductAsync(string account, HttpClient admin) =>
        (await Json(await admin.PostAsJsonAsync($"/api/v1/accounts/{account}/products", new
        {
            name = "Editable " + Guid.NewGuid().ToString("N")[..6], profileId = "tls-server", validityDays = 90, pricePerYearMinor = 0, currency = "USD", approvalMode = "manual",
        }), 201)).GetProperty("id").GetString()!;

    private static Task<HttpResponseMessage> PlaceAsync(HttpClient client, string product)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(new { productId = product }) };
        request.Headers.Add("Idempotency-Key", "key-" + Guid.NewGuid().ToString("N"));
        return client.SendAsync(request);
    }
}

public sealed class ProductEditTestsOnSqlite(RegistrationServer server) : ProductEditTests<RegistrationServer>(server);

public sealed class ProductEditTestsOnPostgres(PostgresRegistrationServer server) : ProductEditTests<PostgresRegistrationServer>(server);
