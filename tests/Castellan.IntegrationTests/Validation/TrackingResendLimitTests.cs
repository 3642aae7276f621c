using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Support;
using Castellan.Registration.Contracts;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Validation;

public sealed class PostgresDcvOrdersServer : DcvOrdersServer
{
    public override string StorageName => "postgres";
}

/// <summary>
/// The validation-email resend behind a tracking link is limited per order (Castellan:Registration:TrackingResendLimit,
/// 3 per hour by default): the fourth answers 429 problem details with Retry-After, sends nothing and is audited; the
/// counter lives in the database, so racing requests never pass the limit together.
/// </summary>
public abstract class TrackingResendLimitTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : DcvOrdersServer
{
    [Fact]
    public async Task The_fourth_resend_within_the_hour_answers_429_with_Retry_After_sends_no_email_and_is_audited()
    {
        var (_, admin) = await TenantAsync();
        var name = OrderDomainValidationTests.Unique("rl");
        var other = OrderDomainValidationTests.Unique("rl2");
        var csr = File.ReadAllText(await Tools.NewCsrAsync(TestPaths.NewDirectory("resend-limit"), "ec:P-256", $"/CN={name}", $"DNS:{name},DNS:{other}"));
        var order = await Json(await OrderDomainValidationTests.PlaceAsync(admin, new { productId = "prd_tls_multi", csr, sans = new[] { name, other }, validationMethod = "email" }), 201);
        var id = order.GetProperty("id").GetString()!;
        await server.Smtp.WaitForAsync("admin@" + name);
        var token = (await Json(await admin.PostAsync($"/api/v1/orders/{id}/tracking-link", null), 200)).GetProperty("token").GetString()!;

        // Three resends pass, spread over both names: the limit is the order's, not each name's.
        foreach (var n in new[] { name, other, name })
        {
            using var ok = await server.Anonymous.PostAsync($"/track/{token}/validations/{n}/resend", null);
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        }
        var sentBefore = await SettledCountAsync();

        using var refused = await server.Anonymous.PostAsync($"/track/{token}/validations/{other}/resend", null);
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = Assert.Single(refused.Headers.GetValues("Retry-After"));
        Assert.InRange(long.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture), 3300, 3600);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("urn:castellan:problem:rate-limited", problem.GetProperty("type").GetString());
        Assert.Contains("3 times", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Nothing more went out, and the refusal is in the audit log under the tracking link.
        Assert.Equal(sentBefore, await SettledCountAsync());
        var audit = (await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=order.validation-email-resend-refused&target=order:{id}")).EnumerateArray().Single();
        Assert.Equal("tracking-link", audit.GetProperty("actor").GetString());
        Assert.Equal(3, (await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=order.validation-email-resent&target=order:{id}")).GetArrayLength());

        // Another order's link is counted on its own.
        var third = OrderDomainValidationTests.Unique("rl3");
        var second = await Json(await OrderDomainValidationTests.PlaceAsync(admin, new { productId = "prd_tls_server", csr = await OrderDomainValidationTests.CsrAsync(TestPaths.NewDirectory("resend-limit-2"), third), validationMethod = "email" }), 201);
        var secondToken = (await Json(await admin.PostAsync($"/api/v1/orders/{second.GetProperty("id").GetString()}/tracking-link", null), 200)).GetProperty("token").GetString()!;
        using var fresh = await server.Anonymous.PostAsync($"/track/{secondToken}/validations/{third}/resend", null);
        Assert.Equal(HttpStatusCode.NoContent, fresh.StatusCode);
    }

    [Fact]
    public async Task Twenty_racing_takes_pass_exactly_the_limit_and_an_elapsed_window_starts_again()
    {
        var store = server.Get<ISendWindowStore>();
        var key = "test:" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var window = TimeSpan.FromHours(1);
        var takes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => store.TakeAsync(key, now, window, 3, CancellationToken.None))));
        Assert.Equal(3, takes.Count(t => t.Allowed));
        Assert.All(takes.Where(t => !t.Allowed), t => Assert.Equal(now + window, t.RetryAt, TimeSpan.FromMilliseconds(1)));

        Assert.False((await store.TakeAsync(key, now + TimeSpan.FromMinutes(59), window, 3, CancellationToken.None)).Allowed);
        var later = await store.TakeAsync(key, now + window, window, 3, CancellationToken.None);
        Assert.True(later.Allowed);
        Assert.Equal(1, later.Count);
    }

    /// <summary>The sink's message count once the outbox (polling every 200 ms) has had 1.5 s without sending more.</summary>
    private async Task<int> SettledCountAsync()
    {
        var count = server.Smtp.Messages().Count;
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(1_500);
            var now = server.Smtp.Messages().Count;
            if (now == count) return now;
            count = now;
        }
        return count;
    }

    private async Task<(string AccountId, HttpClient Admin)> TenantAsync()
    {
        var (accountId, adminId) = await server.CreateAccountAsync("enterprise");
        await Castellan.IntegrationTests.Registration.RaTestClient.CreditAsync(server, accountId, 100_000);
        return (accountId, server.KeyClient(await server.NewKeyAsync(accountId, adminId)));
    }
}

public sealed class TrackingResendLimitTestsOnSqlite(DcvOrdersServer server) : TrackingResendLimitTests<DcvOrdersServer>(server);

public sealed class TrackingResendLimitTestsOnPostgres(PostgresDcvOrdersServer server) : TrackingResendLimitTests<PostgresDcvOrdersServer>(server);
