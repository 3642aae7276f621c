using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Orders;

/// <summary>
/// Order search (seed 003 "Orders" filters: date range, domain, status, product, group, tag, custom field) with the
/// visibility rules of <see cref="OrderService.ListAsync"/>: an account the caller reaches, and only the caller's own
/// orders unless it may see all of the account's. The export reads the same pages.
/// </summary>
public sealed class OrderSearch(IOrderDetailsStore details, IAccountStore accounts, ICustomFieldStore fields)
{
    public const int MaxPageSize = 500;

    /// <summary>The most rows one export writes; a larger result is refused rather than truncated silently.</summary>
    public const int MaxExportRows = 100_000;

    public async Task<Result<(IReadOnlyList<Order> Items, int Total)>> SearchAsync(Caller caller, string? accountId, OrderStatus? status, string? productId,
        OrderFilter filter, int skip, int take, CancellationToken ct)
    {
        if (filter.CreatedFrom is { } from && filter.CreatedTo is { } to && from > to) return new MalformedInput("'from' is after 'to'");
        if (take is < 1 or > MaxPageSize) return new MalformedInput($"'pageSize' must be 1 to {MaxPageSize}");
        if (filter.Domain is { Length: > 253 } || filter.TagName is { Length: > 50 } || filter.FieldName is { Length: > 50 } || filter.TagValue is { Length: > 200 } || filter.FieldValue is { Length: > 1000 } || filter.Requester is { Length: > 200 })
            return new MalformedInput("a search term is too long");
        var scope = await ScopeAsync(caller, accountId, ct);
        if (scope.IsError) return scope.Error;
        return await details.SearchAsync(new OrderQuery(scope.Value.AccountId, scope.Value.PlacedBy, status, productId, skip, take), filter with
        {
            Domain = filter.Domain?.Trim().ToLowerInvariant(),
            Requester = string.IsNullOrWhiteSpace(filter.Requester) ? null : filter.Requester.Trim().ToLowerInvariant(),
        }, ct);
    }

    /// <summary>The custom fields whose values an export of <paramref name="accountId"/> adds as columns (the caller's account by default).</summary>
    public async Task<IReadOnlyList<CustomFieldDefinition>> ExportFieldsAsync(Caller caller, string? accountId, CancellationToken ct)
    {
        var id = string.IsNullOrWhiteSpace(accountId) ? (caller.IsOperator ? null : caller.AccountId) : accountId.Trim();
        return id is null ? [] : await fields.ListAsync(id, ct);
    }

    private async Task<Result<(string? AccountId, string? PlacedBy)>> ScopeAsync(Caller caller, string? accountId, CancellationToken ct)
    {
        string? scope = string.IsNullOrWhiteSpace(accountId) ? (caller.IsOperator ? null : caller.AccountId) : accountId.Trim();
        if (scope is null) return (null, SeesAll(caller.Permissions) ? null : caller.Actor);
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(scope, ct), Permission.OrdersViewOwn, scope);
        if (account.IsError) return account.Error;
        return (scope, SeesAll(AccessPolicy.On(caller, account.Value)!) ? null : caller.Actor);
    }

    private static bool SeesAll(IReadOnlySet<Permission> p) =>
        p.Contains(Permission.OrdersViewAll) || p.Contains(Permission.OrdersApprove) || p.Contains(Permission.OrdersManage);
}
