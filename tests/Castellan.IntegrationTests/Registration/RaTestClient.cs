using System.Net.Http.Json;
using System.Text.Json;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>Small HTTP steps shared by the RA tests and the portal's Chromium tests.</summary>
internal static class RaTestClient
{
    public static string NewKey() => "key-" + Guid.NewGuid().ToString("N");

    public static async Task<HttpResponseMessage> PlaceAsync(HttpClient client, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key ?? NewKey());
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PostKeyedAsync(HttpClient client, string path, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key ?? NewKey());
        return await client.SendAsync(request);
    }

    public static async Task CreditAsync(RegistrationServer server, string accountId, long amount)
    {
        using var response = await PostKeyedAsync(server.Client, $"/api/v1/billing/accounts/{accountId}/credits",
            new { amountMinor = amount, currency = "USD", paymentReference = "wire " + Guid.NewGuid().ToString("N")[..8] });
        await Json(response, 201);
    }

    public static async Task<long> BalanceAsync(RegistrationServer server, string code)
    {
        var balance = await server.Get<Castellan.Billing.Contracts.ILedgerStore>().FindBalanceAsync(code, CancellationToken.None);
        return balance?.Minor ?? 0;
    }

    public static Task<long> AccountBalanceAsync(RegistrationServer server, string accountId) =>
        BalanceAsync(server, Castellan.Billing.Contracts.LedgerAccount.AccountCode(accountId));

    public static Task<long> GroupBalanceAsync(RegistrationServer server, string accountId, string groupId) =>
        BalanceAsync(server, Castellan.Billing.Contracts.LedgerAccount.GroupCode(accountId, groupId));

    /// <summary>Asserts an RFC 9457 problem of the given status and type; returns its detail.</summary>
    public static async Task<string> ProblemAsync(HttpResponseMessage response, int status, string type)
    {
        var problem = await Json(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"urn:castellan:problem:{type}", problem.GetProperty("type").GetString());
        return problem.GetProperty("detail").GetString()!;
    }

    public static async Task<JsonElement> AuditAsync(RegistrationServer server, string action, string target)
    {
        var entries = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action={action}&target={target}");
        return entries.EnumerateArray().Last();
    }
}
