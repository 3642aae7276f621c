using Castellan.Billing.Contracts;
using Castellan.Billing.Ledger;

namespace Castellan.Billing.Orders;

/// <param name="GroupId">The group the order was placed through; null for the account's default group, which pays from the account balance.</param>
/// <param name="OrderReference">The RA's order id; a refund's credit note refers to it.</param>
/// <param name="IdempotencyKey">Usually the order id: the RA can retry a debit after a timeout without charging twice.</param>
public sealed record DebitOrderRequest(string AccountId, string? GroupId, string OrderReference, Money Amount, string Actor, string IdempotencyKey);

/// <summary>
/// Charges an order. Seed 003 "Finance": a group that deducts from the account balance makes the account pay, one
/// that deducts from the group balance pays from its allocation. With "Enforce Spend Limit" the group's orders in the
/// current calendar period (UTC) may not cost more than the threshold, whichever balance pays. The balance check,
/// the spend-limit check and the postings happen in one database transaction, so concurrent orders can neither
/// overdraw a balance nor pass the limit together.
/// </summary>
public sealed class DebitOrder(ILedgerStore store, LedgerPoster ledger, TimeProvider clock)
{
    public async Task<Result<PostedJournal>> DebitAsync(DebitOrderRequest r, CancellationToken ct)
    {
        if (Validate.First(Validate.Id(r.AccountId, "accountId"), Validate.Id(r.OrderReference, "orderReference"), Validate.Amount(r.Amount),
                Validate.Id(r.IdempotencyKey, "idempotencyKey"), Validate.Id(r.Actor, "actor"), r.GroupId is null ? null : Validate.Id(r.GroupId, "groupId")) is { } invalid)
            return invalid;
        var now = clock.GetUtcNow();
        var payer = LedgerAccount.ForAccount(r.AccountId, r.Amount.Currency);
        SpendCharge? spend = null;
        if (r.GroupId is not null)
        {
            var group = await store.FindGroupFinanceAsync(r.GroupId, ct);
            if (group is null || group.AccountId != r.AccountId) return new NotFound("group", $"group {r.GroupId} has no finance settings in account {r.AccountId}");
            if (group.Currency != r.Amount.Currency) return new CurrencyMismatch(group.Currency, r.Amount.Currency);
            if (group.Mode == FinanceMode.DeductFromGroupBalance) payer = group.Balance;
            // Spending is counted even without a limit, so a limit switched on mid-period already knows the period's spend.
            spend = new SpendCharge(group.GroupId, SpendPeriods.StartOf(group.Period, now), r.Amount.Minor, group.SpendLimitMinor);
        }
        var postings = BalancedPostings.Transfer(payer, LedgerAccount.Revenue(r.Amount.Currency), r.Amount);
        if (postings.IsError) return postings.Error;
        var header = new JournalHeader(LedgerPoster.NewId("jrn_"), JournalKind.OrderDebit, r.AccountId, r.GroupId, r.IdempotencyKey,
            Fingerprint.Of(r.AccountId, r.GroupId, r.OrderReference, r.Amount.Minor, r.Amount.Currency), now, r.Actor, r.OrderReference);
        return await ledger.PostAsync(new LedgerWrite(header, postings.Value, spend), ct);
    }
}
