using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Castellan.Registration.Access;
using Castellan.Registration.Accounts;
using Castellan.Registration.Contracts;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>Seed 003 sign-up and activation over HTTP: the link comes only through the outbox and works once.</summary>
public sealed class SignUpAndActivationTests(RegistrationServer server) : IClassFixture<RegistrationServer>
{
    private static object SignUp(string kind, string email, string? organization = "Example Ltd") =>
        new { kind, name = "Ada Lovelace", email, mobile = "+44 20 7946 0000", organization, acceptTerms = true };

    private async Task<JsonElement> AccountNamedAsync(string name)
    {
        var all = await server.Client.GetFromJsonAsync<JsonElement>("/api/v1/accounts?pageSize=500");
        return all.EnumerateArray().Single(a => a.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task Retail_sign_up_returns_nothing_secret_and_the_emailed_link_activates_once()
    {
        var email = NewEmail("retail");
        var organization = "Retail " + Guid.NewGuid().ToString("N");
        using var signUp = await server.Anonymous.PostAsJsonAsync("/api/v1/signup", SignUp("retail", email, organization));
        var body = await Json(signUp, 202);
        Assert.Equal("pending-activation", body.GetProperty("status").GetString());
        var token = await server.ActivationTokenAsync(email);
        Assert.NotNull(token);
        Assert.DoesNotContain(token, body.GetRawText());

        var pending = await AccountNamedAsync(organization);
        Assert.Equal("pending-activation", pending.GetProperty("status").GetString());
        Assert.True(AccountNumbers.IsValid(pending.GetProperty("number").GetString()), pending.GetProperty("number").GetString());

        using (var activated = await server.ActivateAsync(token)) await Json(activated, 200);
        Assert.Equal("active", (await AccountNamedAsync(organization)).GetProperty("status").GetString());

        using var reused = await server.ActivateAsync(token, "another long passphrase");
        var problem = await Json(reused, 409);
        Assert.Equal("urn:castellan:problem:conflict", problem.GetProperty("type").GetString());
        Assert.Equal("application/problem+json", reused.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Only_the_token_hash_is_stored()
    {
        var email = NewEmail("hashed");
        using (var signUp = await server.Anonymous.PostAsJsonAsync("/api/v1/signup", SignUp("enterprise", email))) await Json(signUp, 202);
        var token = (await server.ActivationTokenAsync(email))!;
        var tokens = server.Get<IActivationTokenStore>();
        Assert.Null(await tokens.FindAsync(token, CancellationToken.None));
        Assert.NotNull(await tokens.FindAsync(ApiKeyService.Hash(token), CancellationToken.None));
    }

    [Fact]
    public async Task Partner_sign_up_waits_for_operator_approval_before_any_link_is_sent()
    {
        var email = NewEmail("partner");
        var organization = "Partner " + Guid.NewGuid().ToString("N");
        using var signUp = await server.Anonymous.PostAsJsonAsync("/api/v1/signup", SignUp("partner", email, organization));
        Assert.Equal("pending-approval", (await Json(signUp, 202)).GetProperty("status").GetString());
        Assert.Null(await server.ActivationTokenAsync(email));
        Assert.Contains("approved", (await server.LastMessageAsync(email)).Body);

        var id = (await AccountNamedAsync(organization)).GetProperty("id").GetString();
        using var approved = await server.Client.PostAsync($"/api/v1/accounts/{id}/approve", null);
        Assert.Equal("pending-activation", (await Json(approved, 200)).GetProperty("status").GetString());
        using var again = await server.Client.PostAsync($"/api/v1/accounts/{id}/approve", null);
        await Json(again, 409);

        using (var activated = await server.ActivateAsync((await server.ActivationTokenAsync(email))!)) await Json(activated, 200);
        Assert.Equal("active", (await AccountNamedAsync(organization)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_expired_link_is_refused_and_leaves_the_login_inactive()
    {
        var email = NewEmail("expired");
        using (var signUp = await server.Anonymous.PostAsJsonAsync("/api/v1/signup", SignUp("enterprise", email))) await Json(signUp, 202);
        var live = await server.Get<IActivationTokenStore>().FindAsync(ApiKeyService.Hash((await server.ActivationTokenAsync(email))!), CancellationToken.None);
        // A second link for the same login whose lifetime ended a minute ago.
        const string expiredToken = "expired-token-for-test-0123456789abcdefghij";
        await server.Get<IActivationTokenStore>().AddAsync(new ActivationToken(ApiKeyService.Hash(expiredToken), live!.UserId, live.AccountId,
            DateTimeOffset.UtcNow.AddMinutes(-1), null), CancellationToken.None);
        using var response = await server.ActivateAsync(expiredToken);
        var problem = await Json(response, 422);
        Assert.Equal("activation-link-expired", problem.GetProperty("rule").GetString());
        Assert.Equal(UserStatus.Invited, (await server.Get<IUserStore>().GetAsync(live.UserId, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Duplicate_sign_up_answers_the_same_creates_nothing_and_tells_the_owner()
    {
        var email = NewEmail("dup");
        var first = "First " + Guid.NewGuid().ToString("N");
        var second = "Second " + Guid.NewGuid().ToString("N");
        using var a = await server.Anonymous.PostAsJsonAsync("/api/v1/signup", SignUp("enterprise", email, first));
        using var b = await server.Anonymous.PostAsJsonAsync("/api/v1/signup", SignUp("enterprise", email.ToUpperInvariant(), second));
        Assert.Equal((await Json(a, 202)).GetRawText(), (await Json(b, 202)).GetRawText());
        var all = await server.Client.GetFromJsonAsync<JsonElement>("/api/v1/accounts?pageSize=500");
        Assert.DoesNotContain(all.EnumerateArray(), x => x.GetProperty("name").GetString() == second);
        Assert.Contains("already has a Castellan login", (await server.LastMessageAsync(email)).Body);
    }

    [Theory]
    [InlineData("email", "not-an-email", 400)]
    [InlineData("email", "Eve <eve@example.com>", 400)]
    [InlineData("email", "eve@example.com\r\nBcc: all@example.com", 400)]
    [InlineData("email", "@@", 400)]
    [InlineData("name", "OVERSIZED", 400)]
    [InlineData("organization", "OVERSIZED", 400)]
    [InlineData("mobile", "call me maybe", 400)]
    [InlineData("kind", "operator", 400)]
    [InlineData("kind", null, 400)]
    [InlineData("acceptTerms", false, 422)]
    public async Task Sign_up_refuses_bad_fields_with_problem_details(string field, object? value, int status)
    {
        var body = JsonSerializer.SerializeToNode(SignUp("enterprise", NewEmail("bad")))!.AsObject();
        body[field] = value is "OVERSIZED" ? new string('x', 5000) : JsonSerializer.SerializeToNode(value);
        using var response = await server.Anonymous.PostAsJsonAsync("/api/v1/signup", body);
        await Json(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("short", 422)]
    [InlineData("", 400)]
    public async Task Activation_refuses_weak_passwords_and_keeps_the_link_usable(string password, int status)
    {
        var email = NewEmail("weak");
        using (var signUp = await server.Anonymous.PostAsJsonAsync("/api/v1/signup", SignUp("enterprise", email))) await Json(signUp, 202);
        var token = (await server.ActivationTokenAsync(email))!;
        using (var weak = await server.ActivateAsync(token, password)) await Json(weak, status);
        using var good = await server.ActivateAsync(token);
        await Json(good, 200);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("")]
    public async Task Activation_with_an_unknown_link_is_a_bad_request(string token)
    {
        using var response = await server.ActivateAsync(token);
        await Json(response, 400);
    }

    [Fact]
    public async Task Sign_up_is_audited_with_the_client_address_behind_a_trusted_proxy()
    {
        var email = NewEmail("xff");
        var organization = "Forwarded " + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/signup") { Content = JsonContent.Create(SignUp("enterprise", email, organization)) };
        // Loopback is the trusted proxy here; 198.51.100.7 is what the client claimed, 203.0.113.9 what the proxy saw.
        request.Headers.Add("X-Forwarded-For", "198.51.100.7, 203.0.113.9");
        using (var response = await server.Anonymous.SendAsync(request)) await Json(response, 202);
        var id = (await AccountNamedAsync(organization)).GetProperty("id").GetString();
        var entries = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=account.signup&target=account:{id}");
        var entry = entries.EnumerateArray().Single();
        Assert.Equal("203.0.113.9", entry.GetProperty("sourceAddress").GetString());
        Assert.Equal("anonymous", entry.GetProperty("actor").GetString());

        using (var activated = await server.ActivateAsync((await server.ActivationTokenAsync(email))!)) await Json(activated, 200);
        var activation = (await server.Client.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=user.activated")).EnumerateArray().First();
        Assert.Equal("127.0.0.1", activation.GetProperty("sourceAddress").GetString());
    }
}

/// <summary>The RA endpoints are described in the OpenAPI document, each with a summary.</summary>
public sealed class RegistrationOpenApiTests(RegistrationServer server) : IClassFixture<RegistrationServer>
{
    [Theory]
    [InlineData("/api/v1/signup", "post")]
    [InlineData("/api/v1/activate", "post")]
    [InlineData("/api/v1/accounts", "get")]
    [InlineData("/api/v1/accounts", "post")]
    [InlineData("/api/v1/accounts/{id}", "get")]
    [InlineData("/api/v1/accounts/{id}/approve", "post")]
    [InlineData("/api/v1/accounts/{id}/users", "get")]
    [InlineData("/api/v1/accounts/{id}/users", "post")]
    [InlineData("/api/v1/accounts/{id}/users/{userId}", "patch")]
    [InlineData("/api/v1/users/{id}/deactivate", "post")]
    [InlineData("/api/v1/accounts/{id}/roles", "get")]
    [InlineData("/api/v1/accounts/{id}/roles", "post")]
    [InlineData("/api/v1/accounts/{id}/api-keys", "post")]
    [InlineData("/api/v1/api-keys/{id}", "delete")]
    [InlineData("/api/v1/products", "get")]
    [InlineData("/api/v1/products/{id}", "get")]
    [InlineData("/api/v1/accounts/{id}/products", "post")]
    [InlineData("/api/v1/orders", "post")]
    [InlineData("/api/v1/orders", "get")]
    [InlineData("/api/v1/orders/{id}", "get")]
    [InlineData("/api/v1/orders/{id}/place", "post")]
    [InlineData("/api/v1/orders/{id}/approve", "post")]
    [InlineData("/api/v1/orders/{id}/reject", "post")]
    [InlineData("/api/v1/orders/{id}/cancel", "post")]
    [InlineData("/api/v1/orders/{id}/csr", "post")]
    public async Task Endpoint_is_documented_with_a_summary(string path, string method)
    {
        var doc = await server.Anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(doc.GetProperty("paths").TryGetProperty(path, out var item), $"OpenAPI lacks {path}");
        Assert.True(item.TryGetProperty(method, out var operation), $"OpenAPI lacks {method} {path}");
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
    }
}
