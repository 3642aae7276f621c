namespace Castellan.Billing.Contracts;

/// <summary>Why a journal was written; each use case writes exactly one kind.</summary>
public enum JournalKind
{
    /// <summary>The operator's finance officer approved an offline payment: receivables to the account's balance.</summary>
    OfflinePayment = 1,

    /// <summary>Credits moved from the account's balance to a group's allocated balance.</summary>
    GroupAllocation = 2,

    /// <summary>Credits moved back from a group's allocated balance to the account's balance.</summary>
    GroupDeallocation = 3,

    /// <summary>An order paid from the account's or the group's balance (per the group's finance mode) to revenue.</summary>
    OrderDebit = 4,

    /// <summary>A credit note: an order debit given back on cancellation or rejection.</summary>
    Refund = 5,
}

/// <summary>One line of a journal. <see cref="AmountMinor"/> is positive for a credit, negative for a debit.</summary>
public sealed record Posting(LedgerAccount Account, long AmountMinor);

/// <summary>A posting as stored: the ledger account's code and the signed amount in the journal's currency.</summary>
public sealed record PostedLine(string AccountCode, long AmountMinor);

/// <summary>
/// An immutable journal (transaction) of the ledger. Nothing ever updates or deletes one; a mistake is corrected by a
/// further journal (a deallocation, a refund).
/// </summary>
/// <param name="SpendGroupId">The group whose spend limit this journal counted against, if any.</param>
/// <param name="SpendPeriodStart">The start of the spend-limit period it counted in (UTC).</param>
public sealed record Journal(
    string Id,
    JournalKind Kind,
    string AccountId,
    string? GroupId,
    string Currency,
    DateTimeOffset At,
    string Actor,
    string Reference,
    string? Memo,
    string? ReversesJournalId,
    string? SpendGroupId,
    DateTimeOffset? SpendPeriodStart,
    IReadOnlyList<PostedLine> Lines)
{
    /// <summary>The amount moved: the sum of the credit lines (equal to the sum of the debit lines).</summary>
    public Money Amount => new(Lines.Where(l => l.AmountMinor > 0).Sum(l => l.AmountMinor), Currency);

    public long AmountOn(string accountCode) => Lines.Where(l => l.AccountCode == accountCode).Sum(l => l.AmountMinor);
}

/// <summary>A journal returned by a use case; <see cref="Replayed"/> is true when the idempotency key had already posted it.</summary>
public sealed record PostedJournal(Journal Journal, bool Replayed);
