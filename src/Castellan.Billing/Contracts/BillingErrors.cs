namespace Castellan.Billing.Contracts;

// Expected billing failures. The REST API maps them in Server/Api/Problems/ProblemResults.cs; the RA shows Detail.

/// <summary>The posting would take a tenant balance below zero; nothing was posted.</summary>
public sealed record InsufficientCredit(string LedgerAccountCode, Money Available, Money Requested)
    : CastellanError($"insufficient credit: {Requested.Minor} {Requested.Currency} requested, {Available.Minor} available");

/// <summary>The debit would take the group's spending in the current period past its spend limit; nothing was posted.</summary>
public sealed record SpendLimitExceeded(string GroupId, DateTimeOffset PeriodStart, long LimitMinor, long SpentMinor, long RequestedMinor)
    : CastellanError($"group {GroupId} has spent {SpentMinor} of its limit of {LimitMinor} since {PeriodStart:yyyy-MM-dd}; {RequestedMinor} more would exceed it");

/// <summary>The idempotency key was already used for a different request.</summary>
public sealed record IdempotencyKeyReused(string Key)
    : CastellanError($"the idempotency key '{Key}' was already used for a different request");

/// <summary>The order debit already has a credit note.</summary>
public sealed record AlreadyRefunded(string DebitJournalId, string CreditNoteId)
    : CastellanError($"journal {DebitJournalId} was already refunded by credit note {CreditNoteId}");

/// <summary>The amount's currency is not the currency of the balance it would touch.</summary>
public sealed record CurrencyMismatch(string Expected, string Given)
    : CastellanError($"this balance is kept in {Expected}, not {Given}");
