namespace Castellan.Billing.Contracts;

/// <summary>Seed 003 group "Finance" option: which balance pays for orders placed through the group.</summary>
public enum FinanceMode
{
    /// <summary>"Deduct from Account Balance": orders are paid from the account's own balance.</summary>
    DeductFromAccountBalance = 1,

    /// <summary>"Deduct from Group Balance": orders are paid from credits allocated to the group.</summary>
    DeductFromGroupBalance = 2,
}

/// <summary>The window a spend limit applies to. Periods are calendar periods in UTC.</summary>
public enum SpendPeriod
{
    Month = 1,
    Quarter = 2,
    Year = 3,
}

/// <summary>
/// A group's billing settings, owned by the RA's group screens and pushed here through
/// <c>ConfigureGroupFinance</c>. <see cref="SpendLimitMinor"/> is seed 003's "Enforce Spend Limit" threshold: the
/// most the group's orders may cost within one <see cref="Period"/>, whichever balance pays; null means no limit.
/// </summary>
public sealed record GroupFinance(string GroupId, string AccountId, FinanceMode Mode, string Currency, long? SpendLimitMinor, SpendPeriod Period)
{
    public LedgerAccount Balance => LedgerAccount.ForGroup(AccountId, GroupId, Currency);
}

/// <summary>Seed 003: a refund follows the cancellation of an order; a rejected order is refunded the same way.</summary>
public enum RefundReason
{
    Cancelled = 1,
    Rejected = 2,
}

/// <summary>The credit note given for a cancelled or rejected order; it refers to the order debit it reverses.</summary>
public sealed record CreditNote(
    string Id,
    string AccountId,
    string DebitJournalId,
    string RefundJournalId,
    string OrderReference,
    Money Amount,
    RefundReason Reason,
    DateTimeOffset IssuedAt);
