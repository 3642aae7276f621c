using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Support;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>
/// Seed 003 "Approval panel": the approval checklist is the RA's, read from the product's criteria; approving an order
/// refuses a checklist with an item missing (a field error, nothing changed) and audits the ticked items.
/// </summary>
public abstract class ApprovalChecklistTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : RegistrationServer
{
    private const string Criteria = "The names belong to the applicant\nThe ID document matches the requester; Payment cleared";

    [Fact]
    public async Task Approving_without_every_checklist_item_is_refused_by_field_and_the_approval_audits_the_ticked_items()
    {
        var (account, adminId) = await server.CreateAccountAsync("enterprise", null);
        var admin = server.KeyClient(await server.NewKeyAsync(account, adminId));
        var product = await Json(await admin.PostAsJsonAsync($"/api/v1/accounts/{account}/products", new
        {
            name = "Checked " + Guid.NewGuid().ToString("N")[..6], profileId = "tls-server", validityDays = 90, pricePerYearMinor = 0, currency = "USD",
            approvalMode = "manual", approvalCriteria = Criteria,
        }), 201);
        string[] items = ["The names belong to the applicant", "The ID document matches the requester", "Payment cleared"];
        Assert.Equal(items, product.GetProperty("checklist").EnumerateArray().Select(e => e.GetString()!));

        var basic = await server.AddMemberAsync(account, "basic-user");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(new { productId = product.GetProperty("id").GetString() }) };
        request.Headers.Add("Idempotency-Key", "key-" + Guid.NewGuid().ToString("N"));
        var id = (await Json(await basic.Key.SendAsync(request), 201)).GetProperty("id").GetString()!;

        // No body at all, then two of three items: refused with the missing item named against "checkedItems".
        using (var bare = await admin.PostAsync($"/api/v1/orders/{id}/approve", null))
            Assert.Equal("urn:castellan:problem:checklist-incomplete", (await Json(bare, 422)).GetProperty("type").GetString());
        using (var partial = await admin.PostAsJsonAsync($"/api/v1/orders/{id}/approve", new { checkedItems = items[..2] }))
        {
            var problem = await Json(partial, 422);
            var error = problem.GetProperty("errors").EnumerateArray().Single();
            Assert.Equal("checkedItems", error.GetProperty("field").GetString());
            Assert.Contains("Payment cleared", error.GetProperty("detail").GetString());
            Assert.DoesNotContain("The names belong", error.GetProperty("detail").GetString());
        }
        Assert.Equal("pending-approval", (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{id}")).GetProperty("status").GetString());
        Assert.Empty((await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=order.approved&target=order:{id}")).EnumerateArray());

        // Every item (order and surrounding blanks do not matter; an item the product does not name is not recorded).
        using var approved = await admin.PostAsJsonAsync($"/api/v1/orders/{id}/approve", new { checkedItems = new[] { " Payment cleared ", items[1], items[0], "Something else" } });
        Assert.Equal("accepted", (await Json(approved, 200)).GetProperty("status").GetString());
        var audit = (await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=order.approved&target=order:{id}")).EnumerateArray().Single();
        var details = JsonDocument.Parse(audit.GetProperty("detailsJson").GetString()!).RootElement.GetProperty("details");
        Assert.Equal(items, details.GetProperty("checkedItems").EnumerateArray().Select(e => e.GetString()!));
    }

    [Fact]
    public async Task A_product_without_a_checklist_is_approved_without_a_body_as_before()
    {
        var (account, adminId) = await server.CreateAccountAsync("enterprise", null);
        var admin = server.KeyClient(await server.NewKeyAsync(account, adminId));
        var product = await Json(await admin.PostAsJsonAsync($"/api/v1/accounts/{account}/products", new
        {
            name = "Plain " + Guid.NewGuid().ToString("N")[..6], profileId = "tls-server", validityDays = 90, pricePerYearMinor = 0, currency = "USD", approvalMode = "manual",
        }), 201);
        Assert.Empty(product.GetProperty("checklist").EnumerateArray());
        var basic = await server.AddMemberAsync(account, "basic-user");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(new { productId = product.GetProperty("id").GetString() }) };
        request.Headers.Add("Idempotency-Key", "key-" + Guid.NewGuid().ToString("N"));
        var id = (await Json(await basic.Key.SendAsync(request), 201)).GetProperty("id").GetString()!;
        Assert.Equal("pending-approval", (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/orders/{id}")).GetProperty("status").GetString());

        using var approved = await admin.PostAsync($"/api/v1/orders/{id}/approve", null);
        Assert.Equal("accepted", (await Json(approved, 200)).GetProperty("status").GetString());
        var audit = (await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=order.approved&target=order:{id}")).EnumerateArray().Single();
        Assert.False(JsonDocument.Parse(audit.GetProperty("detailsJson").GetString()!).RootElement.GetProperty("details").TryGetProperty("checkedItems", out _));
    }
}

public sealed class ApprovalChecklistTestsOnSqlite(RegistrationServer server) : ApprovalChecklistTests<RegistrationServer>(server);

public sealed class ApprovalChecklistTestsOnPostgres(PostgresRegistrationServer server) : ApprovalChecklistTests<PostgresRegistrationServer>(server);
