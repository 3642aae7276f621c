using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>Keys, memberships, sub-accounts and custom roles over HTTP: what each caller can reach and how changes take effect.</summary>
public abstract class AccessTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : RegistrationServer
{
    [Fact]
    public async Task A_key_stops_working_when_revoked_or_when_its_user_is_deactivated()
    {
        var (account, _) = await server.CreateAccountAsync("enterprise");
        var member = await server.AddMemberAsync(account, "standard-user");
        using (var ok = await member.Key.GetAsync($"/api/v1/accounts/{account}")) await Json(ok, 200);

        // The member revokes a second key of their own; the first keeps working.
        using var created = await member.Key.PostAsJsonAsync($"/api/v1/accounts/{account}/api-keys", new { name = "ci" });
        var second = await Json(created, 201);
        Assert.Equal("no-store", created.Headers.CacheControl?.ToString());
        using var secondClient = server.KeyClient(second.GetProperty("secret").GetString()!);
        using (var works = await secondClient.GetAsync($"/api/v1/accounts/{account}")) await Json(works, 200);
        using (var revoked = await member.Key.DeleteAsync($"/api/v1/api-keys/{second.GetProperty("id").GetString()}")) await Json(revoked, 204);
        using (var refused = await secondClient.GetAsync($"/api/v1/accounts/{account}")) await Json(refused, 401);
        using (var twice = await member.Key.DeleteAsync($"/api/v1/api-keys/{second.GetProperty("id").GetString()}")) await Json(twice, 409);

        using (var deactivated = await server.Client.PostAsync($"/api/v1/users/{member.UserId}/deactivate", null)) await Json(deactivated, 200);
        using var after = await member.Key.GetAsync($"/api/v1/accounts/{account}");
        await Json(after, 401);
    }

    [Fact]
    public async Task Members_list_their_own_keys_managers_every_members_keys_never_a_secret_and_no_other_tenants()
    {
        var (account, _) = await server.CreateAccountAsync("enterprise");
        var manager = await server.AddMemberAsync(account, "administrator");
        var member = await server.AddMemberAsync(account, "standard-user");
        var own = await Json(await member.Key.PostAsJsonAsync($"/api/v1/accounts/{account}/api-keys", new { name = "deploy" }), 201);
        var secret = own.GetProperty("secret").GetString()!;

        using (var mine = await member.Key.GetAsync($"/api/v1/accounts/{account}/api-keys"))
        {
            var body = await mine.Content.ReadAsStringAsync();
            Assert.DoesNotContain(secret, body);
            Assert.DoesNotContain(ApiKeyService.Hash(secret), body);
            var keys = JsonDocument.Parse(body).RootElement.EnumerateArray().ToList();
            Assert.All(keys, k => Assert.Equal(member.UserId, k.GetProperty("userId").GetString()));
            Assert.Contains(keys, k => k.GetProperty("id").GetString() == own.GetProperty("id").GetString() && k.GetProperty("name").GetString() == "deploy");
        }
        var all = (await manager.Key.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{account}/api-keys")).EnumerateArray().ToList();
        Assert.Contains(all, k => k.GetProperty("userId").GetString() == member.UserId);
        Assert.Contains(all, k => k.GetProperty("userId").GetString() == manager.UserId);

        var (other, _) = await server.CreateAccountAsync("enterprise");
        await Json(await member.Key.GetAsync($"/api/v1/accounts/{other}/api-keys"), 404);
    }

    [Fact]
    public async Task A_key_is_stored_only_as_its_SHA256_and_its_secret_is_shown_once()
    {
        var (account, admin) = await server.CreateAccountAsync("retail");
        using var created = await server.Client.PostAsJsonAsync($"/api/v1/accounts/{account}/api-keys", new { name = "once", userId = admin });
        var key = await Json(created, 201);
        var secret = key.GetProperty("secret").GetString()!;
        var stored = await server.Get<IApiKeyStore>().GetAsync(key.GetProperty("id").GetString()!, CancellationToken.None);
        Assert.Equal(ApiKeyService.Hash(secret), stored!.Hash);
        Assert.NotEqual(secret, stored.Hash);
        Assert.Equal((admin, account), (stored.UserId, stored.AccountId));
    }

    [Fact]
    public async Task One_login_in_two_accounts_gets_a_key_per_membership_and_each_key_sees_only_its_account()
    {
        var (first, _) = await server.CreateAccountAsync("enterprise");
        var (second, _) = await server.CreateAccountAsync("enterprise");
        var member = await server.AddMemberAsync(first, "manager");
        using (var invited = await server.Client.PostAsJsonAsync($"/api/v1/accounts/{second}/users", new { email = member.Email, role = "basic-user" }))
            Assert.Equal(member.UserId, (await Json(invited, 201)).GetProperty("userId").GetString());
        // Already active: a notice, not a second activation link.
        var notice = await server.LastMessageAsync(member.Email);
        Assert.DoesNotContain("token=", notice.Body);
        using (var again = await server.Client.PostAsJsonAsync($"/api/v1/accounts/{second}/users", new { email = member.Email, role = "basic-user" })) await Json(again, 409);

        using (var hidden = await member.Key.GetAsync($"/api/v1/accounts/{second}")) await Json(hidden, 404);
        using var secondKey = server.KeyClient(await server.NewKeyAsync(second, member.UserId));
        using (var seen = await secondKey.GetAsync($"/api/v1/accounts/{second}")) await Json(seen, 200);
        // The same login is a manager in the first account and a basic user in the second.
        using (var users = await secondKey.GetAsync($"/api/v1/accounts/{second}/users")) await Json(users, 403);
        using (var users = await member.Key.GetAsync($"/api/v1/accounts/{first}/users")) await Json(users, 200);
    }

    [Fact]
    public async Task Nobody_hands_out_or_touches_more_power_than_they_hold()
    {
        var (account, admin) = await server.CreateAccountAsync("enterprise");
        var manager = await server.AddMemberAsync(account, "manager");
        using (var r = await manager.Key.PostAsJsonAsync($"/api/v1/accounts/{account}/users", new { email = NewEmail("up"), role = "administrator" })) await Json(r, 403);
        using (var r = await manager.Key.PatchAsJsonAsync($"/api/v1/accounts/{account}/users/{admin}", new { name = "demoted" })) await Json(r, 403);
        using (var r = await manager.Key.PostAsync($"/api/v1/users/{admin}/deactivate", null)) await Json(r, 403);
        using (var r = await manager.Key.PatchAsJsonAsync($"/api/v1/accounts/{account}/users/{manager.UserId}", new { role = "administrator" })) await Json(r, 403);
        using (var r = await manager.Key.PostAsJsonAsync($"/api/v1/accounts/{account}/api-keys", new { name = "as admin", userId = admin })) await Json(r, 403);

        // An RA officer sets up tenants but cannot create operator administrators.
        var officer = await server.AddMemberAsync("operator", "ra-officer");
        using (var r = await officer.Key.PostAsJsonAsync("/api/v1/accounts/operator/users", new { email = NewEmail("opadmin"), role = "operator-admin" })) await Json(r, 403);
        using (var r = await officer.Key.PostAsJsonAsync($"/api/v1/accounts/{account}/users", new { email = NewEmail("tenantadmin"), role = "administrator" })) await Json(r, 201);
        var operatorAdmin = await server.AddMemberAsync("operator", "operator-admin", activate: false);
        using (var r = await officer.Key.PostAsync($"/api/v1/users/{operatorAdmin.UserId}/deactivate", null)) await Json(r, 403);
        using (var r = await officer.Key.PostAsync($"/api/v1/users/{manager.UserId}/deactivate", null)) await Json(r, 200);
    }

    [Fact]
    public async Task Partners_create_and_see_sub_accounts_and_sub_accounts_do_not_see_their_partner()
    {
        var (partner, partnerAdmin) = await server.CreateAccountAsync("partner");
        using var partnerKey = server.KeyClient(await server.NewKeyAsync(partner, partnerAdmin));
        var (sub, subAdmin) = await server.CreateAccountAsync("enterprise", partner, partnerKey);
        using var subKey = server.KeyClient(await server.NewKeyAsync(sub, subAdmin));

        var listed = await partnerKey.GetFromJsonAsync<JsonElement>("/api/v1/accounts");
        Assert.Equal(new[] { partner, sub }.Order(), listed.EnumerateArray().Select(a => a.GetProperty("id").GetString()!).Order());
        Assert.Equal(partner, (await subKey.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{sub}")).GetProperty("parentId").GetString());
        using (var r = await subKey.GetAsync($"/api/v1/accounts/{partner}")) await Json(r, 404);
        using (var r = await subKey.PostAsJsonAsync("/api/v1/accounts", new { name = "Nested", administratorEmail = NewEmail("nested") })) await Json(r, 403);

        // A partner's basic user sees the sub-account but cannot act in it.
        var basic = await server.AddMemberAsync(partner, "basic-user");
        using (var r = await basic.Key.GetAsync($"/api/v1/accounts/{sub}")) await Json(r, 200);
        using (var r = await basic.Key.GetAsync($"/api/v1/accounts/{sub}/users")) await Json(r, 403);
        // A sub-account of a partner must be an enterprise account.
        using (var r = await partnerKey.PostAsJsonAsync("/api/v1/accounts", new { kind = "partner", name = "Re-seller", administratorEmail = NewEmail("rs") })) await Json(r, 422);
    }

    [Fact]
    public async Task A_custom_role_grants_exactly_its_permissions_and_stays_in_its_account()
    {
        var (account, admin) = await server.CreateAccountAsync("enterprise");
        var (elsewhere, _) = await server.CreateAccountAsync("enterprise");
        using var adminKey = server.KeyClient(await server.NewKeyAsync(account, admin));
        using var created = await adminKey.PostAsJsonAsync($"/api/v1/accounts/{account}/roles", new { name = "User auditor", permissions = new[] { "DashboardView", "usersmanage", "ApiUse" } });
        var role = await Json(created, 201);
        Assert.Equal(["ApiUse", "DashboardView", "UsersManage"], role.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        var roleId = role.GetProperty("id").GetString()!;
        using (var dup = await adminKey.PostAsJsonAsync($"/api/v1/accounts/{account}/roles", new { name = "user auditor", permissions = new[] { "DashboardView" } }))
            Assert.True(dup.StatusCode is HttpStatusCode.Conflict, $"a second role named like the first: {(int)dup.StatusCode}");
        using (var bad = await adminKey.PostAsJsonAsync($"/api/v1/accounts/{account}/roles", new { name = "Bad", permissions = new[] { "RootEverything" } })) await Json(bad, 400);
        using (var bad = await adminKey.PostAsJsonAsync($"/api/v1/accounts/{account}/roles", new { name = "Numeric", permissions = new[] { "3" } })) await Json(bad, 400);
        using (var empty = await adminKey.PostAsJsonAsync($"/api/v1/accounts/{account}/roles", new { name = "Empty", permissions = Array.Empty<string>() })) await Json(empty, 400);

        var auditor = await server.AddMemberAsync(account, roleId);
        using (var r = await auditor.Key.GetAsync($"/api/v1/accounts/{account}/users")) await Json(r, 200);
        using (var r = await auditor.Key.PostAsJsonAsync($"/api/v1/accounts/{account}/users", new { email = NewEmail("x"), role = "basic-user" })) await Json(r, 403);
        using (var r = await server.Client.PostAsJsonAsync($"/api/v1/accounts/{elsewhere}/users", new { email = NewEmail("y"), role = roleId })) await Json(r, 422);
        var roles = await adminKey.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{account}/roles");
        Assert.Contains(roles.EnumerateArray(), r => r.GetProperty("id").GetString() == roleId && !r.GetProperty("builtIn").GetBoolean());
        Assert.DoesNotContain(roles.EnumerateArray(), r => r.GetProperty("id").GetString() == "sub-account-user");
    }

    [Fact]
    public async Task Invitations_refuse_bad_input_and_are_audited_with_the_acting_user()
    {
        var (account, admin) = await server.CreateAccountAsync("enterprise");
        using var adminKey = server.KeyClient(await server.NewKeyAsync(account, admin));
        using (var r = await adminKey.PostAsJsonAsync($"/api/v1/accounts/{account}/users", new { email = "nobody", role = "basic-user" })) await Json(r, 400);
        using (var r = await adminKey.PostAsJsonAsync($"/api/v1/accounts/{account}/users", new { email = NewEmail("n"), name = new string('n', 300), role = "basic-user" })) await Json(r, 400);
        using (var r = await adminKey.PostAsJsonAsync($"/api/v1/accounts/{account}/users", new { email = NewEmail("n"), role = "overlord" })) await Json(r, 422);
        using (var r = await adminKey.PostAsJsonAsync($"/api/v1/accounts/{account}/users", new { email = NewEmail("n"), role = "sub-account-user" })) await Json(r, 422);
        using (var r = await adminKey.PostAsync($"/api/v1/accounts/{account}/users", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"))) await Json(r, 400);

        var email = NewEmail("audited");
        using var invited = await adminKey.PostAsJsonAsync($"/api/v1/accounts/{account}/users", new { email, role = "basic-user" });
        var userId = (await Json(invited, 201)).GetProperty("userId").GetString();
        Assert.Contains("/activate?token=", (await server.LastMessageAsync(email)).Body);
        var entry = (await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=user.invited&target=user:{userId}")).EnumerateArray().Single();
        Assert.Equal($"user:{admin}", entry.GetProperty("actor").GetString());
        Assert.Equal("127.0.0.1", entry.GetProperty("sourceAddress").GetString());
    }
}

public sealed class AccessTestsOnSqlite(RegistrationServer server) : AccessTests<RegistrationServer>(server);

public sealed class AccessTestsOnPostgres(PostgresRegistrationServer server) : AccessTests<PostgresRegistrationServer>(server);
