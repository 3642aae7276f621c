using System.Net.Http.Json;
using System.Text.Json;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>PATCH /accounts/{id}/roles/{roleId}: what the portal's role form saves an edit through.</summary>
public abstract class CustomRoleEditTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : RegistrationServer
{
    [Fact]
    public async Task Editing_a_custom_role_changes_what_its_holders_may_do_on_their_next_request()
    {
        var (account, admin) = await server.CreateAccountAsync("enterprise");
        using var adminKey = server.KeyClient(await server.NewKeyAsync(account, admin));
        using var created = await adminKey.PostAsJsonAsync($"/api/v1/accounts/{account}/roles", new { name = "Reader", permissions = new[] { "DashboardView" } });
        var roleId = (await Json(created, 201)).GetProperty("id").GetString()!;
        var holder = await server.AddMemberAsync(account, roleId);
        using (var r = await holder.Key.GetAsync($"/api/v1/accounts/{account}/users")) await Json(r, 403);

        using var edited = await adminKey.PatchAsJsonAsync($"/api/v1/accounts/{account}/roles/{roleId}", new { name = "User reader", permissions = new[] { "DashboardView", "UsersManage" } });
        var role = await Json(edited, 200);
        Assert.Equal("User reader", role.GetProperty("name").GetString());
        Assert.Equal(["DashboardView", "UsersManage"], role.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        using (var r = await holder.Key.GetAsync($"/api/v1/accounts/{account}/users")) await Json(r, 200);

        var entry = (await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=role.updated&target=role:{roleId}")).EnumerateArray().Single();
        Assert.Equal($"user:{admin}", entry.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Built_in_roles_taken_names_other_tenants_roles_and_permissions_the_editor_lacks_are_refused()
    {
        var (account, admin) = await server.CreateAccountAsync("enterprise");
        var (other, otherAdmin) = await server.CreateAccountAsync("enterprise");
        using var adminKey = server.KeyClient(await server.NewKeyAsync(account, admin));
        using var otherKey = server.KeyClient(await server.NewKeyAsync(other, otherAdmin));
        using var first = await adminKey.PostAsJsonAsync($"/api/v1/accounts/{account}/roles", new { name = "First", permissions = new[] { "DashboardView" } });
        var firstId = (await Json(first, 201)).GetProperty("id").GetString()!;
        using (var second = await adminKey.PostAsJsonAsync($"/api/v1/accounts/{account}/roles", new { name = "Second", permissions = new[] { "DashboardView" } })) await Json(second, 201);

        using (var r = await adminKey.PatchAsJsonAsync($"/api/v1/accounts/{account}/roles/manager", new { name = "Boss", permissions = new[] { "DashboardView" } })) await Json(r, 422);
        using (var r = await adminKey.PatchAsJsonAsync($"/api/v1/accounts/{account}/roles/{firstId}", new { name = "second", permissions = new[] { "DashboardView" } })) await Json(r, 409);
        using (var r = await adminKey.PatchAsJsonAsync($"/api/v1/accounts/{account}/roles/{firstId}", new { name = "Administrator", permissions = new[] { "DashboardView" } })) await Json(r, 409);
        using (var r = await adminKey.PatchAsJsonAsync($"/api/v1/accounts/{account}/roles/{firstId}", new { name = "First", permissions = Array.Empty<string>() })) await Json(r, 400);
        // Another tenant's administrator cannot reach the role through their own account or through this one.
        using (var r = await otherKey.PatchAsJsonAsync($"/api/v1/accounts/{other}/roles/{firstId}", new { name = "Mine", permissions = new[] { "DashboardView" } })) await Json(r, 404);
        using (var r = await otherKey.PatchAsJsonAsync($"/api/v1/accounts/{account}/roles/{firstId}", new { name = "Mine", permissions = new[] { "DashboardView" } })) await Json(r, 404);

        // A Manager holds no SettingsManage, so cannot edit roles at all.
        var manager = await server.AddMemberAsync(account, "manager");
        using (var r = await manager.Key.PatchAsJsonAsync($"/api/v1/accounts/{account}/roles/{firstId}", new { name = "First", permissions = new[] { "FinanceManage" } })) await Json(r, 403);

        var roles = await adminKey.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{account}/roles");
        var unchanged = roles.EnumerateArray().Single(r => r.GetProperty("id").GetString() == firstId);
        Assert.Equal("First", unchanged.GetProperty("name").GetString());
        Assert.Equal(["DashboardView"], unchanged.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }
}

public sealed class CustomRoleEditTestsOnSqlite(RegistrationServer server) : CustomRoleEditTests<RegistrationServer>(server);

public sealed class CustomRoleEditTestsOnPostgres(PostgresRegistrationServer server) : CustomRoleEditTests<PostgresRegistrationServer>(server);
