using System.Net.Http.Json;
using OtpNet;
using static Castellan.IntegrationTests.Registration.RaTestClient;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>
/// Issue 3: an account that enforces TOTP cannot be reached around it with an API key. A key of a user without a
/// confirmed factor reaches only the caller's own endpoints (to enrol) until the user enrols; then it works again.
/// </summary>
public sealed class ApiKeySecondFactorTests(RegistrationServer server) : IClassFixture<RegistrationServer>
{
    [Fact]
    public async Task Keys_of_users_who_never_enrolled_are_refused_in_an_account_enforcing_TOTP_until_they_enrol()
    {
        var (accountId, _) = await server.CreateAccountAsync("enterprise");
        var (elsewhere, _) = await server.CreateAccountAsync("enterprise");
        var member = await server.AddMemberAsync(accountId, "manager");
        var outsider = await server.AddMemberAsync(elsewhere, "manager");
        await Json(await member.Key.GetAsync($"/api/v1/accounts/{accountId}"), 200);

        await Json(await server.Client.PutAsJsonAsync($"/api/v1/accounts/{accountId}/security", new { secondFactorRequired = true }), 200);
        // Resolved keys are cached for at most a second.
        var detail = await EventuallyAsync(async () =>
        {
            using var r = await member.Key.GetAsync($"/api/v1/accounts/{accountId}");
            return (int)r.StatusCode == 403 ? await ProblemAsync(r, 403, "forbidden") : null;
        });
        Assert.Contains("two-factor", detail);
        await ProblemAsync(await PlaceAsync(member.Key, new { productId = "prd_tls_server", sans = new[] { "dns:a.example.com" } }), 403, "forbidden");
        await ProblemAsync(await member.Key.GetAsync($"/api/v1/accounts/{accountId}/groups"), 403, "forbidden");
        // Another account's users, which does not enforce it, are not touched.
        await Json(await outsider.Key.GetAsync($"/api/v1/accounts/{elsewhere}"), 200);

        // The key still reaches the caller's own second-factor endpoints, so the user can enrol with it.
        Assert.True((await Json(await member.Key.GetAsync("/api/v1/me/second-factor"), 200)).GetProperty("required").GetBoolean());
        var enrolment = await Json(await member.Key.PostAsync("/api/v1/me/second-factor", null), 201);
        var totp = new Totp(Base32Encoding.ToBytes(enrolment.GetProperty("secret").GetString()));
        // Enrolled but not confirmed is not enough.
        await ProblemAsync(await member.Key.GetAsync($"/api/v1/accounts/{accountId}"), 403, "forbidden");
        await Json(await member.Key.PostAsJsonAsync("/api/v1/me/second-factor/confirm", new { code = totp.ComputeTotp(DateTime.UtcNow) }), 200);

        var back = await EventuallyAsync(async () =>
        {
            using var r = await member.Key.GetAsync($"/api/v1/accounts/{accountId}");
            return r.IsSuccessStatusCode ? "ok" : null;
        });
        Assert.Equal("ok", back);
    }

    private static async Task<string> EventuallyAsync(Func<Task<string?>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            if (await probe() is { } done) return done;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the key's access did not change within 5 seconds");
            await Task.Delay(100);
        }
    }
}
