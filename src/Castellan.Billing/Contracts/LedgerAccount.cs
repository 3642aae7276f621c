namespace Castellan.Billing.Contracts;

/// <summary>What a ledger account stands for. The two tenant kinds hold credits and may never go below zero.</summary>
public enum LedgerAccountKind
{
    /// <summary>A tenant account's own balance (seed 003 "account balance"): offline payments land here.</summary>
    AccountBalance = 1,

    /// <summary>Credits allocated from an account to one of its groups (seed 003 "group's allocated balance").</summary>
    GroupBalance = 2,

    /// <summary>The operator's side of approved payments: what tenants paid in, per currency.</summary>
    OperatorReceivables = 3,

    /// <summary>The operator's earnings from orders, per currency.</summary>
    OperatorRevenue = 4,

    /// <summary>Credit notes given back to tenants on cancellation or rejection, per currency (contra-revenue).</summary>
    OperatorRefunds = 5,
}

/// <summary>
/// One account of the double-entry ledger, named by a stable code. Sign convention: a posting's amount is positive
/// for a credit and negative for a debit, and an account's balance is the sum of its postings. So a tenant's
/// credits show as a positive balance, and the operator's receivables and refunds carry negative (debit) balances.
/// </summary>
public sealed record LedgerAccount(string Code, LedgerAccountKind Kind, string Currency, string? TenantAccountId, string? GroupId)
{
    /// <summary>Tenant balances are what customers can spend: the ledger refuses any posting that would take them below zero.</summary>
    public bool MustStayNonNegative => Kind is LedgerAccountKind.AccountBalance or LedgerAccountKind.GroupBalance;

    /// <summary>The code of a tenant account's balance; one currency per tenant account, fixed by its first credit.</summary>
    public static string AccountCode(string accountId) => $"tenant:{accountId}";

    public static string GroupCode(string accountId, string groupId) => $"tenant:{accountId}:group:{groupId}";

    public static LedgerAccount ForAccount(string accountId, string currency) =>
        new(AccountCode(accountId), LedgerAccountKind.AccountBalance, currency, accountId, null);

    public static LedgerAccount ForGroup(string accountId, string groupId, string currency) =>
        new(GroupCode(accountId, groupId), LedgerAccountKind.GroupBalance, currency, accountId, groupId);

    public static LedgerAccount Receivables(string currency) => new($"operator:receivables:{currency}", LedgerAccountKind.OperatorReceivables, currency, null, null);

    public static LedgerAccount Revenue(string currency) => new($"operator:revenue:{currency}", LedgerAccountKind.OperatorRevenue, currency, null, null);

    public static LedgerAccount Refunds(string currency) => new($"operator:refunds:{currency}", LedgerAccountKind.OperatorRefunds, currency, null, null);
}
