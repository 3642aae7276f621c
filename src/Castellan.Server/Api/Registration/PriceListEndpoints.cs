using Castellan.Registration.Contracts;
using Castellan.Registration.Products;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Registration;

public sealed record PriceListEntryView(string AccountId, string ProductId, long PricePerYearMinor, long PricePerExtraSanMinor, string Currency, DateTimeOffset UpdatedAt)
{
    public static PriceListEntryView From(PriceListEntry e) => new(e.AccountId, e.ProductId, e.PricePerYearMinor, e.PricePerExtraSanMinor, e.Currency, e.UpdatedAt);
}

/// <summary>A sub-account's price list, set by its parent partner (issue 3 items 1 and 7).</summary>
internal static class PriceListEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/accounts/{accountId}/price-list").WithTags("Products");
        g.MapGet("", async (string accountId, HttpContext http, SubAccountPricing prices, CancellationToken ct) =>
        {
            var list = await prices.ListAsync(http.Caller(), accountId, ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(PriceListEntryView.From));
        }).RequirePermission(Permission.DashboardView).WithSummary("The sub-account's prices that override the catalogue");

        g.MapPut("/{productId}", async (string accountId, string productId, SetPriceRequest? body, HttpContext http, SubAccountPricing prices, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var set = await prices.SetAsync(http.Caller(), accountId, productId, body, http.Origin(), ct);
            return set.IsError ? ProblemResults.From(set.Error) : Results.Ok(PriceListEntryView.From(set.Value));
        }).RequirePermission(Permission.SubAccountPriceListsManage).WithSummary("The parent partner sets the sub-account's price of a product (minor units per year, per extra SAN per year)");

        g.MapDelete("/{productId}", async (string accountId, string productId, HttpContext http, SubAccountPricing prices, CancellationToken ct) =>
        {
            var removed = await prices.RemoveAsync(http.Caller(), accountId, productId, http.Origin(), ct);
            return removed.IsError ? ProblemResults.From(removed.Error) : Results.NoContent();
        }).RequirePermission(Permission.SubAccountPriceListsManage).WithSummary("Back to the catalogue price for that product");
    }
}
