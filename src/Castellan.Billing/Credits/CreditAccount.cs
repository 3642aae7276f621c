using Castellan.Billing.Contracts;
using Castellan.Billing.Ledger;

namespace Castellan.Billing.Credits;

/// <param name="PaymentReference">The offline payment's reference (bank transfer id, cheque number) as entered by the tenant.</param>
/// <param name="ApprovedBy">The operator's finance officer who approved the payment (the audit actor).</param>
public sealed record CreditAccountRequest(string AccountId, Money Amount, string PaymentReference, string ApprovedBy, string IdempotencyKey, string? Memo = null);

/// <summary>
/// Seed 003 "Offline Payment": "Upon eMudhra finance approval, the amount will be credited into the account." The
/// operator's finance officer approves; the caller (REST endpoint or back office) checks that the actor may do so.
/// Posts receivables (debit) to the account's balance (credit). The first credit fixes the account's currency.
/// </summary>
public sealed class CreditAccount(LedgerPoster ledger, TimeProvider clock)
{
    public async Task<Result<PostedJournal>> CreditAsync(CreditAccountRequest r, CancellationToken ct)
    {
        if (Validate.First(Validate.Id(r.AccountId, "accountId"), Validate.Amount(r.Amount), Validate.Id(r.IdempotencyKey, "idempotencyKey"),
                Validate.Id(r.ApprovedBy, "approvedBy")) is { } invalid)
            return invalid;
        if (string.IsNullOrWhiteSpace(r.PaymentReference)) return new MalformedInput("'paymentReference' is required");
        var postings = BalancedPostings.Transfer(LedgerAccount.Receivables(r.Amount.Currency), LedgerAccount.ForAccount(r.AccountId, r.Amount.Currency), r.Amount);
        if (postings.IsError) return postings.Error;
        var header = new JournalHeader(LedgerPoster.NewId("jrn_"), JournalKind.OfflinePayment, r.AccountId, null, r.IdempotencyKey,
            Fingerprint.Of(r.AccountId, r.Amount.Minor, r.Amount.Currency, r.PaymentReference), clock.GetUtcNow(), r.ApprovedBy, r.PaymentReference, r.Memo);
        return await ledger.PostAsync(new LedgerWrite(header, postings.Value), ct);
    }
}
