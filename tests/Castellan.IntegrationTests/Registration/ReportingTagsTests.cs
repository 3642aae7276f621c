using System.Net.Http.Json;
using System.Text.Json;
using static Castellan.IntegrationTests.Registration.RaTestClient;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>Seed 003 "Reporting Tags" over REST on SQLite: names checked beside the field, one account never sees or deletes another's, audited.</summary>
public sealed class ReportingTagsTests(RegistrationServer server) : IClassFixture<RegistrationServer>
{
    [Fact]
    public async Task Tags_are_checked_audited_and_invisible_to_another_account()
    {
        var (a, aAdmin) = await server.CreateAccountAsync("enterprise");
        var (b, bAdmin) = await server.CreateAccountAsync("enterprise");
        var alice = server.KeyClient(await server.NewKeyAsync(a, aAdmin));
        var bob = server.KeyClient(await server.NewKeyAsync(b, bAdmin));
        var url = $"/api/v1/accounts/{a}/reporting-tags";

        var created = await Json(await alice.PostAsJsonAsync(url, new { name = "  Finance ", description = "Finance department" }), 201);
        Assert.Equal("Finance", created.GetProperty("name").GetString());
        var tagId = created.GetProperty("id").GetString()!;

        // Bad names come back with the field they are about, so a form can show them beside it.
        Assert.Equal("name", await ErrorFieldAsync(await alice.PostAsJsonAsync(url, new { name = "FINANCE" }), 409, "conflict"));
        Assert.Equal("name", await ErrorFieldAsync(await alice.PostAsJsonAsync(url, new { name = " " }), 400, "malformed-input"));
        Assert.Equal("name", await ErrorFieldAsync(await alice.PostAsJsonAsync(url, new { name = new string('x', 65) }), 400, "malformed-input"));
        await Json(await alice.PostAsJsonAsync(url, new { name = new string('x', 64) }), 201);
        // Uniqueness is per account: another account may have its own "finance".
        await Json(await bob.PostAsJsonAsync($"/api/v1/accounts/{b}/reporting-tags", new { name = "finance" }), 201);

        // Another account's administrator neither reads, adds to nor deletes from this list, and cannot tell it from a missing account.
        await ProblemAsync(await bob.GetAsync(url), 404, "not-found");
        await ProblemAsync(await bob.PostAsJsonAsync(url, new { name = "HR" }), 404, "not-found");
        await ProblemAsync(await bob.DeleteAsync($"{url}/{tagId}"), 404, "not-found");
        await ProblemAsync(await bob.DeleteAsync($"/api/v1/accounts/{b}/reporting-tags/{tagId}"), 404, "not-found");
        var list = await alice.GetFromJsonAsync<JsonElement>(url);
        Assert.Equal(["Finance", new string('x', 64)], list.EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray());

        var defined = await AuditAsync(server, "reporting-tag.defined", $"account:{a}");
        Assert.Contains(tagId, defined.GetProperty("detailsJson").GetString());
        Assert.Contains(aAdmin, defined.GetProperty("actor").GetString());

        using (var deleted = await alice.DeleteAsync($"{url}/{tagId}")) Assert.Equal(204, (int)deleted.StatusCode);
        Assert.Contains(tagId, (await AuditAsync(server, "reporting-tag.deleted", $"account:{a}")).GetProperty("detailsJson").GetString());
        await ProblemAsync(await alice.DeleteAsync($"{url}/{tagId}"), 404, "not-found");
    }

    private static async Task<string> ErrorFieldAsync(HttpResponseMessage response, int status, string type)
    {
        var problem = await Json(response, status);
        Assert.Equal($"urn:castellan:problem:{type}", problem.GetProperty("type").GetString());
        return problem.GetProperty("errors").EnumerateArray().Single().GetProperty("field").GetString()!;
    }
}
