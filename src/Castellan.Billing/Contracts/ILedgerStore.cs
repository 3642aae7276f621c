namespace Castellan.Billing.Contracts;

/// <summary>The header of a journal to write. <see cref="Fingerprint"/> identifies the request behind an idempotency key.</summary>
public sealed record JournalHeader(
    string Id,
    JournalKind Kind,
    string AccountId,
    string? GroupId,
    string IdempotencyKey,
    string Fingerprint,
    DateTimeOffset At,
    string Actor,
    string Reference,
    string? Memo = null,
    string? ReversesJournalId = null);

/// <summary>
/// Adds <see cref="AmountMinor"/> to a group's spending in one period. A positive charge fails with
/// <see cref="SpendLimitExceeded"/> when the total would pass <see cref="LimitMinor"/>; a negative one (a refund) releases.
/// </summary>
public sealed record SpendCharge(string GroupId, DateTimeOffset PeriodStart, long AmountMinor, long? LimitMinor);

/// <summary>Everything one journal changes, written in one database transaction or not at all.</summary>
public sealed record LedgerWrite(JournalHeader Header, BalancedPostings Postings, SpendCharge? Spend = null, CreditNote? CreditNote = null);

/// <summary>A tenant balance whose cached value differs from the sum of its postings, or a journal that does not sum to zero.</summary>
public sealed record LedgerDiscrepancy(string Subject, long Expected, long Actual);

/// <summary>
/// Storage of the append-only ledger (implemented in Castellan.Storage). Offers no update or delete of journals,
/// postings or credit notes.
/// </summary>
public interface ILedgerStore
{
    /// <summary>
    /// Writes the journal, its postings, the cached tenant balances, the spend charge and the credit note in one
    /// transaction. Returns the journal already posted under the same (account, kind, idempotency key) instead of
    /// posting twice; fails with <see cref="IdempotencyKeyReused"/>, <see cref="InsufficientCredit"/>,
    /// <see cref="SpendLimitExceeded"/>, <see cref="AlreadyRefunded"/> or <see cref="CurrencyMismatch"/> and then
    /// writes nothing. Safe under concurrent callers and several nodes on PostgreSQL.
    /// </summary>
    Task<Result<PostedJournal>> PostAsync(LedgerWrite write, CancellationToken ct);

    Task<Journal?> FindJournalAsync(string journalId, CancellationToken ct);

    /// <summary>
    /// The account's statement, newest first: every journal with its lines. With <paramref name="groupId"/>, only the
    /// journals of that group (seed 003 group "Allocation/Deallocation History" and its orders).
    /// </summary>
    Task<IReadOnlyList<Journal>> ListJournalsAsync(string accountId, string? groupId, int skip, int take, CancellationToken ct);

    /// <summary>The cached balance of a tenant ledger account, or null when nothing was ever posted to it.</summary>
    Task<Money?> FindBalanceAsync(string ledgerAccountCode, CancellationToken ct);

    /// <summary>The sum of the postings of any ledger account (operator accounts are not cached).</summary>
    Task<long> SumPostingsAsync(string ledgerAccountCode, CancellationToken ct);

    Task<GroupFinance?> FindGroupFinanceAsync(string groupId, CancellationToken ct);

    /// <summary>Creates or replaces a group's settings and opens its (empty) group balance.</summary>
    Task SaveGroupFinanceAsync(GroupFinance finance, CancellationToken ct);

    /// <summary>What a group has spent in the period starting at <paramref name="periodStart"/>.</summary>
    Task<long> FindSpentAsync(string groupId, DateTimeOffset periodStart, CancellationToken ct);

    Task<CreditNote?> FindCreditNoteByDebitAsync(string debitJournalId, CancellationToken ct);

    /// <summary>Every cached balance that differs from the sum of its postings and every journal whose postings do not sum to zero.</summary>
    Task<IReadOnlyList<LedgerDiscrepancy>> CheckAsync(CancellationToken ct);
}
