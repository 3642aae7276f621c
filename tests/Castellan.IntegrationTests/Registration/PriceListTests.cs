using System.Net.Http.Json;
using static Castellan.IntegrationTests.Registration.RaTestClient;
using static Castellan.IntegrationTests.Registration.RegistrationServer;

namespace Castellan.IntegrationTests.Registration;

/// <summary>A partner's price list for a sub-account (issue 3 items 1 and 7), over HTTP against a real server and database.</summary>
public abstract class PriceListTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : RegistrationServer
{
    private const string TlsProduct = "prd_tls_server"; // catalogue: 5000 USD cents a year

    [Fact]
    public async Task A_partners_price_prices_the_sub_accounts_orders_placed_by_it_or_by_the_partner_and_debits_the_sub_account()
    {
        var (partner, partnerAdmin) = await PartnerAsync();
        var (sub, subAdminUser) = await server.CreateAccountAsync("enterprise", partner, partnerAdmin);
        var subAdmin = server.KeyClient(await server.NewKeyAsync(sub, subAdminUser));
        await CreditAsync(server, sub, 10_000);
        await CreditAsync(server, partner, 10_000);

        var set = await Json(await partnerAdmin.PutAsJsonAsync($"/api/v1/accounts/{sub}/price-list/{TlsProduct}", new { pricePerYearMinor = 1_234 }), 200);
        Assert.Equal(("USD", 1_234L), (set.GetProperty("currency").GetString(), set.GetProperty("pricePerYearMinor").GetInt64()));
        var listed = await Json(await subAdmin.GetAsync($"/api/v1/accounts/{sub}/price-list"), 200);
        Assert.Equal(TlsProduct, Assert.Single(listed.EnumerateArray()).GetProperty("productId").GetString());

        var own = await Json(await PlaceAsync(subAdmin, new { productId = TlsProduct, sans = new[] { "dns:a.example.com" } }), 201);
        Assert.Equal(1_234, own.GetProperty("priceMinor").GetInt64());
        var onBehalf = await Json(await PlaceAsync(partnerAdmin, new { accountId = sub, productId = TlsProduct, sans = new[] { "dns:b.example.com" } }), 201);
        Assert.Equal((sub, 1_234L), (onBehalf.GetProperty("accountId").GetString(), onBehalf.GetProperty("priceMinor").GetInt64()));
        Assert.Equal((10_000L - 2 * 1_234, 10_000L), (await AccountBalanceAsync(server, sub), await AccountBalanceAsync(server, partner)));

        // The partner's own orders stay at the catalogue price; removing the line restores it for the sub-account.
        var partnerOrder = await Json(await PlaceAsync(partnerAdmin, new { productId = TlsProduct, sans = new[] { "dns:c.example.com" } }), 201);
        Assert.Equal(5_000, partnerOrder.GetProperty("priceMinor").GetInt64());
        using (var removed = await partnerAdmin.DeleteAsync($"/api/v1/accounts/{sub}/price-list/{TlsProduct}")) Assert.Equal(204, (int)removed.StatusCode);
        Assert.Equal(5_000, (await Json(await PlaceAsync(subAdmin, new { productId = TlsProduct, sans = new[] { "dns:d.example.com" } }), 201)).GetProperty("priceMinor").GetInt64());
        var audit = await AuditAsync(server, "price-list.set", $"account:{sub}");
        Assert.Contains("1234", audit.GetProperty("detailsJson").GetString());
    }

    [Fact]
    public async Task Another_partner_and_the_sub_account_itself_cannot_set_the_price_and_bad_prices_change_nothing()
    {
        var (partner, partnerAdmin) = await PartnerAsync();
        var (sub, subAdminUser) = await server.CreateAccountAsync("enterprise", partner, partnerAdmin);
        var subAdmin = server.KeyClient(await server.NewKeyAsync(sub, subAdminUser));
        var (_, strangerAdmin) = await PartnerAsync();
        var path = $"/api/v1/accounts/{sub}/price-list/{TlsProduct}";
        await Json(await partnerAdmin.PutAsJsonAsync(path, new { pricePerYearMinor = 2_000 }), 200);

        await ProblemAsync(await strangerAdmin.PutAsJsonAsync(path, new { pricePerYearMinor = 1 }), 404, "not-found");
        await ProblemAsync(await strangerAdmin.DeleteAsync(path), 404, "not-found");
        await ProblemAsync(await strangerAdmin.GetAsync($"/api/v1/accounts/{sub}/price-list"), 404, "not-found");
        await ProblemAsync(await subAdmin.PutAsJsonAsync(path, new { pricePerYearMinor = 1 }), 403, "forbidden");
        await ProblemAsync(await partnerAdmin.PutAsJsonAsync(path, new { pricePerYearMinor = -1 }), 400, "malformed-input");
        await ProblemAsync(await partnerAdmin.PutAsJsonAsync(path, new { pricePerYearMinor = 1_000_000_000_001 }), 400, "malformed-input");
        await ProblemAsync(await partnerAdmin.PutAsJsonAsync(path, new { pricePerYearMinor = 10, pricePerExtraSanMinor = -3 }), 400, "malformed-input");
        await ProblemAsync(await partnerAdmin.PutAsJsonAsync(path, new { }), 400, "malformed-input");
        await ProblemAsync(await partnerAdmin.PutAsJsonAsync($"/api/v1/accounts/{sub}/price-list/prd_unknown", new { pricePerYearMinor = 1 }), 404, "not-found");
        await ProblemAsync(await partnerAdmin.PutAsJsonAsync($"/api/v1/accounts/{partner}/price-list/{TlsProduct}", new { pricePerYearMinor = 1 }), 422, "policy-violation");

        var line = Assert.Single((await Json(await partnerAdmin.GetAsync($"/api/v1/accounts/{sub}/price-list"), 200)).EnumerateArray());
        Assert.Equal(2_000, line.GetProperty("pricePerYearMinor").GetInt64());
    }

    private async Task<(string Account, HttpClient Admin)> PartnerAsync()
    {
        var (account, adminUser) = await server.CreateAccountAsync("partner");
        return (account, server.KeyClient(await server.NewKeyAsync(account, adminUser)));
    }
}

public sealed class PriceListTestsOnSqlite(RegistrationServer server) : PriceListTests<RegistrationServer>(server);

public sealed class PriceListTestsOnPostgres(PostgresRegistrationServer server) : PriceListTests<PostgresRegistrationServer>(server);
