using System.Text.Json;
using Castellan.Auditing;
using Castellan.Billing.Contracts;

namespace Castellan.Billing.Ledger;

/// <summary>
/// The one way the use cases write to the ledger: posts through the store, then audits the journal with every
/// posting line. A replay (same idempotency key) posted nothing new and is not audited again.
/// </summary>
public sealed class LedgerPoster(ILedgerStore store, IAuditLog audit)
{
    public async Task<Result<PostedJournal>> PostAsync(LedgerWrite write, CancellationToken ct)
    {
        var posted = await store.PostAsync(write, ct);
        if (posted.IsError || posted.Value.Replayed) return posted;
        var j = posted.Value.Journal;
        // The journal is committed; audit it even if the caller has gone away, so the audit trail matches the ledger.
        await audit.AppendAsync(new AuditEvent(j.Actor, ActionOf(j.Kind), $"billing-journal:{j.Id}", JsonSerializer.Serialize(new
        {
            journal = j.Id,
            kind = j.Kind.ToString(),
            account = j.AccountId,
            group = j.GroupId,
            currency = j.Currency,
            reference = j.Reference,
            reverses = j.ReversesJournalId,
            creditNote = write.CreditNote?.Id,
            postings = j.Lines.Select(l => new { account = l.AccountCode, amount = l.AmountMinor }),
        })), CancellationToken.None);
        return posted;
    }

    public static string ActionOf(JournalKind kind) => kind switch
    {
        JournalKind.OfflinePayment => "billing.credited",
        JournalKind.GroupAllocation => "billing.allocated",
        JournalKind.GroupDeallocation => "billing.deallocated",
        JournalKind.OrderDebit => "billing.debited",
        JournalKind.Refund => "billing.refunded",
        _ => "billing.posted",
    };

    /// <summary>Journal and credit-note ids: time-ordered (UUIDv7) so statements sort by id as well as by time.</summary>
    public static string NewId(string prefix) => prefix + Guid.CreateVersion7().ToString("N");
}
