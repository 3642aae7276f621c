namespace Castellan.Storage.Stores.Billing;

// Billing rows as stored. Amounts are minor currency units (long); timestamps Unix milliseconds, as elsewhere.
// Journals, postings and credit notes are only ever inserted; balances and spend rows are caches kept in the same
// transaction as the postings they summarise.

public sealed class LedgerJournalRow
{
    public string Id { get; set; } = "";
    public int Kind { get; set; }
    public string AccountId { get; set; } = "";
    public string? GroupId { get; set; }
    public string IdempotencyKey { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    public string Currency { get; set; } = "";
    public long At { get; set; }
    public string Actor { get; set; } = "";
    public string Reference { get; set; } = "";
    public string? Memo { get; set; }
    public string? ReversesJournalId { get; set; }
    public string? SpendGroupId { get; set; }
    public long? SpendPeriodStart { get; set; }
}

public sealed class LedgerPostingRow
{
    public string JournalId { get; set; } = "";
    public int Line { get; set; }
    public string AccountCode { get; set; } = "";
    public string Currency { get; set; } = "";
    public long AmountMinor { get; set; }
}

/// <summary>The cached balance of one tenant ledger account (account or group); the sum of its postings.</summary>
public sealed class LedgerBalanceRow
{
    public string Code { get; set; } = "";
    public int Kind { get; set; }
    public string AccountId { get; set; } = "";
    public string? GroupId { get; set; }
    public string Currency { get; set; } = "";
    public long BalanceMinor { get; set; }
    public long UpdatedAt { get; set; }
}

public sealed class GroupFinanceRow
{
    public string GroupId { get; set; } = "";
    public string AccountId { get; set; } = "";
    public int Mode { get; set; }
    public string Currency { get; set; } = "";
    public long? SpendLimitMinor { get; set; }
    public int SpendPeriod { get; set; }
}

/// <summary>What a group's orders cost in one spend-limit period; the row the limit is enforced on.</summary>
public sealed class GroupSpendRow
{
    public string GroupId { get; set; } = "";
    public long PeriodStart { get; set; }
    public long SpentMinor { get; set; }
}

public sealed class CreditNoteRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string DebitJournalId { get; set; } = "";
    public string RefundJournalId { get; set; } = "";
    public string OrderReference { get; set; } = "";
    public long AmountMinor { get; set; }
    public string Currency { get; set; } = "";
    public int Reason { get; set; }
    public long IssuedAt { get; set; }
}
