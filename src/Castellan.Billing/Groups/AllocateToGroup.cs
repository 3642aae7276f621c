using Castellan.Billing.Contracts;
using Castellan.Billing.Ledger;

namespace Castellan.Billing.Groups;

public sealed record AllocateToGroupRequest(string AccountId, string GroupId, Money Amount, string Actor, string IdempotencyKey, string? Memo = null);

/// <summary>
/// Seed 003 "Allocate Credits to this Group from Account Balance": "the specified amount will be debited from the
/// account balance and credited to the group"; deallocation moves it back. The seed offers allocation only when the
/// group's finance mode is "Deduct from Group Balance". Neither balance may go below zero.
/// </summary>
public sealed class AllocateToGroup(ILedgerStore store, LedgerPoster ledger, TimeProvider clock)
{
    public Task<Result<PostedJournal>> AllocateAsync(AllocateToGroupRequest r, CancellationToken ct) => MoveAsync(r, JournalKind.GroupAllocation, ct);

    public Task<Result<PostedJournal>> DeallocateAsync(AllocateToGroupRequest r, CancellationToken ct) => MoveAsync(r, JournalKind.GroupDeallocation, ct);

    private async Task<Result<PostedJournal>> MoveAsync(AllocateToGroupRequest r, JournalKind kind, CancellationToken ct)
    {
        if (Validate.First(Validate.Id(r.AccountId, "accountId"), Validate.Id(r.GroupId, "groupId"), Validate.Amount(r.Amount),
                Validate.Id(r.IdempotencyKey, "idempotencyKey"), Validate.Id(r.Actor, "actor")) is { } invalid)
            return invalid;
        var group = await store.FindGroupFinanceAsync(r.GroupId, ct);
        if (group is null || group.AccountId != r.AccountId) return new NotFound("group", $"group {r.GroupId} has no finance settings in account {r.AccountId}");
        // Deallocation stays open in every mode: a group switched to "Deduct from Account Balance" must still be able
        // to hand back what it holds, or those credits would be stranded.
        if (kind == JournalKind.GroupAllocation && group.Mode != FinanceMode.DeductFromGroupBalance)
            return new PolicyViolation("finance-mode", $"group {r.GroupId} pays from the account balance; credits are allocated only to groups that deduct from their own balance");
        if (group.Currency != r.Amount.Currency) return new CurrencyMismatch(group.Currency, r.Amount.Currency);
        var account = LedgerAccount.ForAccount(r.AccountId, r.Amount.Currency);
        var postings = kind == JournalKind.GroupAllocation
            ? BalancedPostings.Transfer(account, group.Balance, r.Amount)
            : BalancedPostings.Transfer(group.Balance, account, r.Amount);
        if (postings.IsError) return postings.Error;
        var header = new JournalHeader(LedgerPoster.NewId("jrn_"), kind, r.AccountId, r.GroupId, r.IdempotencyKey,
            Fingerprint.Of(r.AccountId, r.GroupId, r.Amount.Minor, r.Amount.Currency), clock.GetUtcNow(), r.Actor, r.GroupId, r.Memo);
        return await ledger.PostAsync(new LedgerWrite(header, postings.Value), ct);
    }
}
