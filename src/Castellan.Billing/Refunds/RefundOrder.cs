using Castellan.Billing.Contracts;
using Castellan.Billing.Ledger;

namespace Castellan.Billing.Refunds;

public sealed record RefundOrderRequest(string DebitJournalId, RefundReason Reason, string Actor, string IdempotencyKey);

/// <summary>
/// Seed 003: "Upon order cancellation ... Account user will receive a refund for the cancelled order" and can
/// download "a credit note associated with the cancelled order". Gives the whole order debit back to the balance that
/// paid it, records the credit note referring to that debit, and releases the amount from the group's spending in
/// the period the debit counted in. A debit is refunded at most once (a unique credit note per debit).
/// </summary>
public sealed class RefundOrder(ILedgerStore store, LedgerPoster ledger, TimeProvider clock)
{
    public async Task<Result<(PostedJournal Refund, CreditNote CreditNote)>> RefundAsync(RefundOrderRequest r, CancellationToken ct)
    {
        if (Validate.First(Validate.Id(r.DebitJournalId, "debitJournalId"), Validate.Id(r.IdempotencyKey, "idempotencyKey"), Validate.Id(r.Actor, "actor")) is { } invalid)
            return invalid;
        if (!Enum.IsDefined(r.Reason)) return new MalformedInput("unknown refund reason");
        var debit = await store.FindJournalAsync(r.DebitJournalId, ct);
        if (debit is null || debit.Kind != JournalKind.OrderDebit) return new NotFound("order debit", $"no order debit {r.DebitJournalId}");
        var payer = PayerOf(debit);
        var amount = debit.Amount;
        var postings = BalancedPostings.Transfer(LedgerAccount.Refunds(debit.Currency), payer, amount);
        if (postings.IsError) return postings.Error;
        var now = clock.GetUtcNow();
        var refundId = LedgerPoster.NewId("jrn_");
        var note = new CreditNote(LedgerPoster.NewId("cn_"), debit.AccountId, debit.Id, refundId, debit.Reference, amount, r.Reason, now);
        var spend = debit is { SpendGroupId: { } g, SpendPeriodStart: { } p } ? new SpendCharge(g, p, -amount.Minor, null) : null;
        var header = new JournalHeader(refundId, JournalKind.Refund, debit.AccountId, debit.GroupId, r.IdempotencyKey,
            Fingerprint.Of(debit.Id, r.Reason), now, r.Actor, debit.Reference, r.Reason.ToString(), debit.Id);
        var posted = await ledger.PostAsync(new LedgerWrite(header, postings.Value, spend, note), ct);
        if (posted.IsError) return posted.Error;
        // On a replay the credit note is the one the first call wrote, not the draft above.
        var stored = await store.FindCreditNoteByDebitAsync(debit.Id, ct) ?? note;
        return (posted.Value, stored);
    }

    /// <summary>The debited line of an order debit is the tenant balance that paid: the account's or the group's.</summary>
    private static LedgerAccount PayerOf(Journal debit)
    {
        var code = debit.Lines.Single(l => l.AmountMinor < 0).AccountCode;
        return debit.GroupId is { } g && code == LedgerAccount.GroupCode(debit.AccountId, g)
            ? LedgerAccount.ForGroup(debit.AccountId, g, debit.Currency)
            : LedgerAccount.ForAccount(debit.AccountId, debit.Currency);
    }
}
