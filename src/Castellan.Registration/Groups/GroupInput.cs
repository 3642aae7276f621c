using Castellan.Billing.Contracts;
using Castellan.Registration.Contracts;
using Castellan.Registration.Domains;
using Castellan.Registration.Users;

namespace Castellan.Registration.Groups;

/// <summary>The group's finance settings as the REST API takes them; pushed to Billing's ConfigureGroupFinance.</summary>
/// <param name="Mode">"account" (Deduct from Account Balance) or "group" (Deduct from Group Balance).</param>
/// <param name="SpendLimitMinor">Seed 003 "Enforce Spend Limit" threshold in minor units; null for none.</param>
/// <param name="Period">month, quarter or year (UTC calendar periods).</param>
public sealed record GroupFinanceRequest(string? Mode, string? Currency, long? SpendLimitMinor, string? Period);

/// <summary>
/// The body of POST (every field that matters) and PATCH (only the fields given change) /accounts/{id}/groups.
/// Scopes are "all" or "specific"; a specific scope needs its list, "all" takes none.
/// </summary>
public sealed record GroupRequest(
    string? Name,
    string? UserAccess,
    IReadOnlyList<string>? UserIds,
    string? OrganizationScope,
    IReadOnlyList<string>? Organizations,
    string? DomainScope,
    IReadOnlyList<string>? Domains,
    GroupFinanceRequest? Finance);

/// <summary>Checks group input; nothing is stored until all of it is valid.</summary>
internal static class GroupInput
{
    public const int MaxNameLength = 100;
    public const int MaxListed = 100;

    public static Result<string> Name(string? text)
    {
        var name = Fields.Name(text, "name");
        if (name.IsError) return name.Error;
        return name.Value.Length > MaxNameLength ? new MalformedInput($"'name' may have at most {MaxNameLength} characters") { Field = "name" } : name.Value;
    }

    public static Result<GroupUserAccess> UserAccess(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "all" or "all-users" => GroupUserAccess.AllUsers,
        "listed" or "listed-users" => GroupUserAccess.ListedUsers,
        _ => new MalformedInput("'userAccess' must be 'all-users' or 'listed-users'"),
    };

    public static Result<GroupScope> Scope(string? text, string field) => text?.Trim().ToLowerInvariant() switch
    {
        "all" => GroupScope.All,
        "specific" => GroupScope.Specific,
        _ => new MalformedInput($"'{field}' must be 'all' or 'specific'"),
    };

    /// <summary>A specific scope names 1 to <see cref="MaxListed"/> entries; "all" names none, so a stale list cannot linger unseen.</summary>
    public static Result<List<string>> List(GroupScope scope, IReadOnlyList<string>? items, string field, Func<string?, Result<string>> one)
    {
        var given = items ?? [];
        if (scope == GroupScope.All)
        {
            if (given.Count > 0) return new MalformedInput($"'{field}' must be empty when the scope is 'all'");
            return new List<string>();
        }
        if (given.Count is 0 or > MaxListed) return new MalformedInput($"a specific scope needs 1 to {MaxListed} '{field}'");
        var normalised = new List<string>();
        foreach (var item in given)
        {
            var n = one(item);
            if (n.IsError) return new MalformedInput($"'{field}': {n.Error.Detail}");
            if (!normalised.Contains(n.Value, StringComparer.OrdinalIgnoreCase)) normalised.Add(n.Value);
        }
        return normalised;
    }

    public static Result<string> Organization(string? text) => Fields.Name(text, "organization");

    public static Result<string> Domain(string? text) => DomainNames.Normalise(text);

    public static Result<(FinanceMode Mode, string Currency, long? Limit, SpendPeriod Period)> Finance(GroupFinanceRequest? f, GroupFinance? current)
    {
        var mode = f?.Mode?.Trim().ToLowerInvariant() switch
        {
            null or "" => current?.Mode ?? FinanceMode.DeductFromAccountBalance,
            "account" or "deduct-from-account-balance" => FinanceMode.DeductFromAccountBalance,
            "group" or "deduct-from-group-balance" => FinanceMode.DeductFromGroupBalance,
            _ => (FinanceMode)0,
        };
        if (mode == 0) return new MalformedInput("'finance.mode' must be 'account' (deduct from account balance) or 'group' (deduct from group balance)") { Field = "finance.mode" };
        var currency = f?.Currency?.Trim() is { Length: > 0 } c ? c : current?.Currency ?? "USD";
        if (!Money.IsCurrencyCode(currency)) return new MalformedInput("'finance.currency' must be an ISO 4217 code such as USD") { Field = "finance.currency" };
        if (current is not null && current.Currency != currency) return new CurrencyMismatch(current.Currency, currency) { Field = "finance.currency" };
        var period = f?.Period?.Trim().ToLowerInvariant() switch
        {
            null or "" => current?.Period ?? SpendPeriod.Month,
            "month" => SpendPeriod.Month,
            "quarter" => SpendPeriod.Quarter,
            "year" => SpendPeriod.Year,
            _ => (SpendPeriod)0,
        };
        if (period == 0) return new MalformedInput("'finance.period' must be month, quarter or year") { Field = "finance.period" };
        // A PATCH without finance keeps the limit; with finance, the limit given (null lifts it).
        var limit = f is null ? current?.SpendLimitMinor : f.SpendLimitMinor;
        if (limit is < 0) return new MalformedInput("'finance.spendLimitMinor' must not be negative") { Field = "finance.spendLimitMinor" };
        return (mode, currency, limit, period);
    }

    public static string Code(GroupUserAccess a) => a == GroupUserAccess.AllUsers ? "all-users" : "listed-users";

    public static string Code(GroupScope s) => s == GroupScope.All ? "all" : "specific";

    public static string Code(FinanceMode m) => m == FinanceMode.DeductFromGroupBalance ? "group" : "account";
}
