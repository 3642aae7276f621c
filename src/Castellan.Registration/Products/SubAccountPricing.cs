using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Products;

/// <summary>The body of PUT /accounts/{id}/price-list/{productId}.</summary>
public sealed record SetPriceRequest(long? PricePerYearMinor, long? PricePerExtraSanMinor);

/// <summary>
/// Issue 3 items 1 and 7, seed 003 "Sub-Account Management: set customized price lists for sub-accounts": the parent
/// partner (SubAccountPriceListsManage; operator staff too) sets per-product prices for one sub-account. Orders placed
/// in the sub-account, by its own users or by the partner on its behalf, are priced from that list and debited from
/// the sub-account. The sub-account reads its list but never sets it; other tenants do not see it at all.
/// </summary>
public sealed class SubAccountPricing(IPriceListStore prices, IAccountStore accounts, IProductStore products, IAuditLog audit, TimeProvider clock)
{
    /// <summary>A generous ceiling (10^12 minor units) so a typo cannot make a price whose yearly multiples overflow.</summary>
    public const long MaxPriceMinor = 1_000_000_000_000;

    public async Task<Result<PriceListEntry>> SetAsync(Caller caller, string accountId, string productId, SetPriceRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var target = await AuthorizeAsync(caller, accountId, ct);
        if (target.IsError) return target.Error;
        if (r.PricePerYearMinor is not { } perYear || perYear < 0 || perYear > MaxPriceMinor)
            return new MalformedInput($"'pricePerYearMinor' is required: 0 to {MaxPriceMinor} minor units");
        var product = await products.GetAsync(productId, ct);
        if (product is null || !ProductService.AvailableTo(product, target.Value)) return new NotFound("product", $"product '{productId}' does not exist");
        var perSan = r.PricePerExtraSanMinor ?? product.PricePerExtraSanMinor;
        if (perSan < 0 || perSan > MaxPriceMinor) return new MalformedInput($"'pricePerExtraSanMinor' must be 0 to {MaxPriceMinor} minor units");
        var before = await prices.FindAsync(accountId, product.Id, ct);
        var entry = new PriceListEntry(accountId, product.Id, perYear, perSan, product.Currency, caller.Actor, clock.GetUtcNow());
        await prices.SaveAsync(entry, ct);
        await audit.AppendAsync(new AuditEvent(caller.Actor, "price-list.set", $"account:{accountId}", JsonSerializer.Serialize(new
        {
            account = accountId, product = product.Id, pricePerYear = perYear, pricePerExtraSan = perSan, currency = product.Currency,
            before = before is null ? null : new { pricePerYear = before.PricePerYearMinor, pricePerExtraSan = before.PricePerExtraSanMinor },
        }), origin.Address), CancellationToken.None);
        return entry;
    }

    public async Task<Result<bool>> RemoveAsync(Caller caller, string accountId, string productId, RequestOrigin origin, CancellationToken ct)
    {
        var target = await AuthorizeAsync(caller, accountId, ct);
        if (target.IsError) return target.Error;
        if (!await prices.DeleteAsync(accountId, productId, ct)) return new NotFound("price", $"the price list of '{accountId}' has no price for '{productId}'");
        await audit.AppendAsync(new AuditEvent(caller.Actor, "price-list.removed", $"account:{accountId}",
            JsonSerializer.Serialize(new { account = accountId, product = productId }), origin.Address), CancellationToken.None);
        return true;
    }

    /// <summary>The sub-account, its parent partner and operator staff read the list.</summary>
    public async Task<Result<IReadOnlyList<PriceListEntry>>> ListAsync(Caller caller, string accountId, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.DashboardView, accountId);
        if (account.IsError) return account.Error;
        return (await prices.ListAsync(accountId, ct)).ToList();
    }

    /// <summary>The product as this account pays for it: the parent's price list line replaces the catalogue prices.</summary>
    public async Task<Product> PricedForAsync(Account account, Product product, CancellationToken ct)
    {
        if (account.ParentId is null) return product;
        var line = await prices.FindAsync(account.Id, product.Id, ct);
        // A line kept in another currency (the product's currency changed) is ignored rather than mixing currencies.
        return line is null || line.Currency != product.Currency
            ? product
            : product with { PricePerYearMinor = line.PricePerYearMinor, PricePerExtraSanMinor = line.PricePerExtraSanMinor };
    }

    private async Task<Result<Account>> AuthorizeAsync(Caller caller, string accountId, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.SubAccountPriceListsManage, accountId);
        if (account.IsError) return account.Error;
        if (account.Value.ParentId is null) return new PolicyViolation("price-list.sub-accounts-only", "only a partner's sub-accounts have price lists");
        // The sub-account's own administrators hold the permission too, but their prices are the parent's to set.
        if (!caller.IsOperator && caller.AccountId != account.Value.ParentId)
            return new Forbidden("a sub-account's price list is set by its parent partner");
        return account.Value;
    }
}
