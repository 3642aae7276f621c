using System.Net.Http.Json;
using System.Text.Json;
using Castellan.Registration.Contracts;
using Castellan.Registration.SignIn;
using Castellan.Registration.Users;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>The password sign-in use case against a real database: lockout, audit, the account list, and one answer for every refusal.</summary>
public sealed class PasswordSignInTests(RegistrationServer server) : IClassFixture<RegistrationServer>
{
    private static readonly RequestOrigin Origin = new("portal", "192.0.2.7");

    private Castellan.Registration.SignIn.PasswordSignIn SignIn => server.Get<Castellan.Registration.SignIn.PasswordSignIn>();

    [Fact]
    public async Task The_right_password_signs_in_audits_it_and_lists_every_account_of_the_login()
    {
        var (first, adminId) = await server.CreateAccountAsync("enterprise");
        var (second, _) = await server.CreateAccountAsync("enterprise");
        var email = (await server.Get<IUserStore>().GetAsync(adminId, CancellationToken.None))!.Email;
        // The same login invited into a second account as a basic user: it must choose where to work.
        using (var invited = await server.Client.PostAsJsonAsync($"/api/v1/accounts/{second}/users", new { email, role = "basic-user" })) await Json(invited, 201);

        var result = await SignIn.SignInAsync(new PasswordSignInRequest(email.ToUpperInvariant(), Password), Origin, CancellationToken.None);

        Assert.False(result.IsError, result.IsError ? result.Error.Detail : "");
        Assert.False(result.Value.SecondFactorRequired);
        Assert.Equal(new[] { first, second }.Order(), result.Value.Accounts.Select(a => a.Account.Id).Order());
        Assert.Equal("basic-user", result.Value.Accounts.Single(a => a.Account.Id == second).RoleId);
        var entry = (await AuditAsync("user.signed-in", $"user:{adminId}")).Single();
        Assert.Equal("192.0.2.7", entry.GetProperty("sourceAddress").GetString());
    }

    [Fact]
    public async Task Unknown_email_wrong_password_and_locked_login_are_refused_alike_and_audited_with_the_real_reason()
    {
        var (_, adminId) = await server.CreateAccountAsync("enterprise");
        var email = (await server.Get<IUserStore>().GetAsync(adminId, CancellationToken.None))!.Email;

        var unknown = await SignIn.SignInAsync(new PasswordSignInRequest(NewEmail("nobody"), Password), Origin, CancellationToken.None);
        var wrong = await SignIn.SignInAsync(new PasswordSignInRequest(email, "not the password"), Origin, CancellationToken.None);
        Assert.Equal(unknown.Error, wrong.Error);

        for (var i = 1; i < Lockout.Threshold; i++) await SignIn.SignInAsync(new PasswordSignInRequest(email, "not the password"), Origin, CancellationToken.None);
        var user = await server.Get<IUserStore>().GetAsync(adminId, CancellationToken.None);
        Assert.NotNull(user!.LockedUntil);

        // Locked: even the right password is refused, with the same words.
        var locked = await SignIn.SignInAsync(new PasswordSignInRequest(email, Password), Origin, CancellationToken.None);
        Assert.Equal(unknown.Error, locked.Error);

        var reasons = (await AuditAsync("user.sign-in-failed", $"user:{adminId}")).Select(e => JsonDocument.Parse(e.GetProperty("detailsJson").GetString()!).RootElement.GetProperty("reason").GetString()).ToList();
        Assert.Equal(Lockout.Threshold, reasons.Count(r => r == "wrong-password"));
        Assert.Equal(["locked"], reasons.Where(r => r != "wrong-password"));
        Assert.Empty(await AuditAsync("user.signed-in", $"user:{adminId}"));
    }

    [Fact]
    public async Task A_session_caller_acts_as_the_same_actor_with_the_memberships_role_and_ends_with_the_membership()
    {
        var (account, adminId) = await server.CreateAccountAsync("enterprise");
        var callers = server.Get<SessionCallers>();
        var caller = await callers.ResolveAsync(adminId, account, CancellationToken.None);
        Assert.NotNull(caller);
        Assert.Equal($"user:{adminId}", caller.Actor);
        Assert.Equal("administrator", caller.Role);
        Assert.False(caller.IsOperator);

        using (var off = await server.Client.PostAsync($"/api/v1/users/{adminId}/deactivate", null)) await Json(off, 200);
        Assert.Null(await callers.ResolveAsync(adminId, account, CancellationToken.None));
    }

    private async Task<List<JsonElement>> AuditAsync(string action, string target)
    {
        var entries = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action={action}&target={target}");
        return [.. entries.EnumerateArray()];
    }
}
