using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.Billing;

/// <summary>The operator's billing endpoints through HTTP: credit with an idempotency key, read the balance.</summary>
public sealed class BillingApiTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private async Task<HttpResponseMessage> PostCreditAsync(HttpClient client, string account, object body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/billing/accounts/{account}/credits") { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task An_approved_offline_payment_is_credited_once_even_when_the_request_is_retried()
    {
        var account = "acct-" + Guid.NewGuid().ToString("N")[..8];
        var body = new { amountMinor = 125_00, currency = "USD", paymentReference = "wire-2026-11-22-001" };

        using var first = await PostCreditAsync(server.Client, account, body, "pay-001");
        using var retry = await PostCreditAsync(server.Client, account, body, "pay-001");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var a = await first.Content.ReadFromJsonAsync<JsonElement>();
        var b = await retry.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
        Assert.StartsWith("apikey:", a.GetProperty("actor").GetString());
        var balance = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/billing/accounts/{account}/balance");
        Assert.Equal(125_00, balance.GetProperty("amountMinor").GetInt64());
        Assert.Equal("USD", balance.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task Credit_problems_are_reported_as_problem_details()
    {
        var account = "acct-" + Guid.NewGuid().ToString("N")[..8];
        using var noKey = await PostCreditAsync(server.Client, account, new { amountMinor = 1, currency = "USD", paymentReference = "x" }, null);
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        using var negative = await PostCreditAsync(server.Client, account, new { amountMinor = -5, currency = "USD", paymentReference = "x" }, "k1");
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        using var usd = await PostCreditAsync(server.Client, account, new { amountMinor = 5, currency = "USD", paymentReference = "x" }, "k2");
        Assert.Equal(HttpStatusCode.Created, usd.StatusCode);
        using var inr = await PostCreditAsync(server.Client, account, new { amountMinor = 5, currency = "INR", paymentReference = "y" }, "k3");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, inr.StatusCode);
        Assert.Equal("application/problem+json", inr.Content.Headers.ContentType?.MediaType);
        using var reused = await PostCreditAsync(server.Client, account, new { amountMinor = 6, currency = "USD", paymentReference = "x" }, "k2");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Contains("idempotency-key-reused", await reused.Content.ReadAsStringAsync());
        using var unknown = await server.Client.GetAsync("/api/v1/billing/accounts/never-credited/balance");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Crediting_requires_an_operator_key()
    {
        using var anonymous = await PostCreditAsync(server.Anonymous, "acct-x", new { amountMinor = 1, currency = "USD", paymentReference = "x" }, "k");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var balance = await server.Anonymous.GetAsync("/api/v1/billing/accounts/acct-x/balance");
        Assert.Equal(HttpStatusCode.Unauthorized, balance.StatusCode);
    }
}
