using Castellan.Auditing;
using Castellan.Billing.Contracts;
using Castellan.Billing.Credits;
using Castellan.Billing.Groups;
using Castellan.Billing.Orders;
using Castellan.Billing.Refunds;
using Castellan.Storage;
using Microsoft.EntityFrameworkCore;

namespace Castellan.IntegrationTests.Billing;

/// <summary>The ledger's invariants on real storage, under real concurrency; run against SQLite and PostgreSQL.</summary>
public abstract class LedgerTests(LedgerFixture ledger)
{
    private const string Usd = "USD";

    private CreditAccount Credits => ledger.Get<CreditAccount>();
    private DebitOrder Debits => ledger.Get<DebitOrder>();
    private RefundOrder Refunds => ledger.Get<RefundOrder>();
    private AllocateToGroup Allocations => ledger.Get<AllocateToGroup>();
    private ConfigureGroupFinance Groups => ledger.Get<ConfigureGroupFinance>();
    private ILedgerStore Store => ledger.Get<ILedgerStore>();

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private static Money Usd_(long minor) => new(minor, Usd);

    private async Task<string> NewAccountWithAsync(long minor)
    {
        var account = NewId("acct");
        var credited = await Credits.CreditAsync(new CreditAccountRequest(account, Usd_(minor), "wire-4711", "finance-officer", NewId("pay")), CancellationToken.None);
        Assert.False(credited.IsError, credited.Error?.Detail);
        return account;
    }

    private async Task<long> BalanceAsync(string code) => (await Store.FindBalanceAsync(code, CancellationToken.None))?.Minor ?? 0;

    private async Task AssertLedgerConsistentAsync()
    {
        var discrepancies = await Store.CheckAsync(CancellationToken.None);
        Assert.True(discrepancies.Count == 0, "ledger discrepancies: " + string.Join("; ", discrepancies));
    }

    private Task<Result<PostedJournal>> DebitAsync(string account, string? group, long minor, string? key = null) =>
        Debits.DebitAsync(new DebitOrderRequest(account, group, NewId("order"), Usd_(minor), "ra", key ?? NewId("debit")), CancellationToken.None);

    [Fact]
    public async Task Fifty_concurrent_debits_of_1_against_a_balance_of_20_let_exactly_20_through()
    {
        var account = await NewAccountWithAsync(20);
        var code = LedgerAccount.AccountCode(account);
        var seenNegative = false;
        using var stop = new CancellationTokenSource();
        // A reader watches the committed balance while the debits race.
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await BalanceAsync(code) < 0) seenNegative = true;
                await Task.Delay(2);
            }
        });

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => DebitAsync(account, null, 1))));
        await stop.CancelAsync();
        await watcher;

        Assert.Equal(20, results.Count(r => !r.IsError));
        Assert.All(results.Where(r => r.IsError), r => Assert.IsType<InsufficientCredit>(r.Error));
        Assert.Equal(0, await BalanceAsync(code));
        Assert.Equal(0, await Store.SumPostingsAsync(code, CancellationToken.None));
        Assert.False(seenNegative, "the balance was seen below zero");
        await AssertLedgerConsistentAsync();
    }

    [Fact]
    public async Task Concurrent_debits_through_a_group_never_pass_its_monthly_spend_limit()
    {
        var account = await NewAccountWithAsync(100);
        var group = NewId("grp");
        var configured = await Groups.ConfigureAsync(new GroupFinance(group, account, FinanceMode.DeductFromAccountBalance, Usd, 15, SpendPeriod.Month), "admin", CancellationToken.None);
        Assert.False(configured.IsError, configured.Error?.Detail);

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => DebitAsync(account, group, 1))));

        Assert.Equal(15, results.Count(r => !r.IsError));
        Assert.All(results.Where(r => r.IsError), r => Assert.IsType<SpendLimitExceeded>(r.Error));
        Assert.Equal(85, await BalanceAsync(LedgerAccount.AccountCode(account)));
        // The period is the clock's current month; another test in this class may have moved the clock into December.
        var period = results.First(r => !r.IsError).Value.Journal.SpendPeriodStart!.Value;
        Assert.Equal(period, Castellan.Billing.Ledger.SpendPeriods.StartOf(SpendPeriod.Month, ledger.Clock.GetUtcNow()));
        Assert.Equal(15, await Store.FindSpentAsync(group, period, CancellationToken.None));
        await AssertLedgerConsistentAsync();
    }

    [Fact]
    public async Task A_group_paying_from_its_own_balance_is_held_by_both_its_balance_and_its_spend_limit()
    {
        var account = await NewAccountWithAsync(100);
        var group = NewId("grp");
        await Groups.ConfigureAsync(new GroupFinance(group, account, FinanceMode.DeductFromGroupBalance, Usd, 12, SpendPeriod.Month), "admin", CancellationToken.None);
        var allocated = await Allocations.AllocateAsync(new AllocateToGroupRequest(account, group, Usd_(30), "finance-manager", NewId("alloc")), CancellationToken.None);
        Assert.False(allocated.IsError, allocated.Error?.Detail);

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => DebitAsync(account, group, 1))));

        Assert.Equal(12, results.Count(r => !r.IsError));
        Assert.Equal(18, await BalanceAsync(LedgerAccount.GroupCode(account, group)));
        Assert.Equal(70, await BalanceAsync(LedgerAccount.AccountCode(account)));

        // A bigger order than the group holds is refused by the balance, whatever the limit says.
        await Groups.ConfigureAsync(new GroupFinance(group, account, FinanceMode.DeductFromGroupBalance, Usd, null, SpendPeriod.Month), "admin", CancellationToken.None);
        Assert.IsType<InsufficientCredit>((await DebitAsync(account, group, 19)).Error);
        Assert.False((await DebitAsync(account, group, 18)).IsError);
        Assert.Equal(0, await BalanceAsync(LedgerAccount.GroupCode(account, group)));
        await AssertLedgerConsistentAsync();
    }

    [Fact]
    public async Task The_spend_limit_starts_again_in_the_next_calendar_month()
    {
        var account = await NewAccountWithAsync(50);
        var group = NewId("grp");
        await Groups.ConfigureAsync(new GroupFinance(group, account, FinanceMode.DeductFromAccountBalance, Usd, 10, SpendPeriod.Month), "admin", CancellationToken.None);
        var before = ledger.Clock.GetUtcNow();
        Assert.False((await DebitAsync(account, group, 10)).IsError);
        Assert.IsType<SpendLimitExceeded>((await DebitAsync(account, group, 1)).Error);

        ledger.Clock.Advance(TimeSpan.FromHours(25)); // 30 November 23:00 UTC plus 25 hours: December
        Assert.NotEqual(before.Month, ledger.Clock.GetUtcNow().Month);
        var december = await DebitAsync(account, group, 10);
        Assert.False(december.IsError, december.Error?.Detail);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), december.Value.Journal.SpendPeriodStart);
        Assert.Equal(30, await BalanceAsync(LedgerAccount.AccountCode(account)));
        await AssertLedgerConsistentAsync();
    }

    [Fact]
    public async Task A_spend_limit_switched_on_mid_month_counts_what_the_group_already_spent()
    {
        var account = await NewAccountWithAsync(50);
        var group = NewId("grp");
        await Groups.ConfigureAsync(new GroupFinance(group, account, FinanceMode.DeductFromAccountBalance, Usd, null, SpendPeriod.Month), "admin", CancellationToken.None);
        Assert.False((await DebitAsync(account, group, 8)).IsError);

        await Groups.ConfigureAsync(new GroupFinance(group, account, FinanceMode.DeductFromAccountBalance, Usd, 10, SpendPeriod.Month), "admin", CancellationToken.None);

        var refused = Assert.IsType<SpendLimitExceeded>((await DebitAsync(account, group, 3)).Error);
        Assert.Equal(8, refused.SpentMinor);
        Assert.False((await DebitAsync(account, group, 2)).IsError);
        Assert.Equal(40, await BalanceAsync(LedgerAccount.AccountCode(account)));
        await AssertLedgerConsistentAsync();
    }

    [Fact]
    public async Task Allocations_deallocations_debits_and_refunds_racing_on_one_account_leave_a_consistent_ledger()
    {
        var account = await NewAccountWithAsync(30);
        var group = NewId("grp");
        await Groups.ConfigureAsync(new GroupFinance(group, account, FinanceMode.DeductFromGroupBalance, Usd, 20, SpendPeriod.Month), "admin", CancellationToken.None);
        await Allocations.AllocateAsync(new AllocateToGroupRequest(account, group, Usd_(10), "fm", NewId("a")), CancellationToken.None);
        var earlier = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => DebitAsync(account, group, 1)));

        // Every kind of journal at once, touching the same balances and spend row in different combinations.
        var work = Enumerable.Range(0, 60).Select(i => Task.Run(async () => (i % 4) switch
        {
            0 => (await Allocations.AllocateAsync(new AllocateToGroupRequest(account, group, Usd_(2), "fm", NewId("a")), CancellationToken.None)).Error,
            1 => (await Allocations.DeallocateAsync(new AllocateToGroupRequest(account, group, Usd_(1), "fm", NewId("d")), CancellationToken.None)).Error,
            2 => (await DebitAsync(account, group, 1)).Error,
            _ => i / 4 < earlier.Length
                ? (await Refunds.RefundAsync(new RefundOrderRequest(earlier[i / 4].Value.Journal.Id, RefundReason.Rejected, "ra", NewId("r")), CancellationToken.None)).Error
                : (await DebitAsync(account, null, 1)).Error,
        }));
        var errors = await Task.WhenAll(work);

        // Only the invariants may refuse work; nothing deadlocks or throws.
        Assert.All(errors.Where(e => e is not null), e => Assert.True(e is InsufficientCredit or SpendLimitExceeded, e!.Detail));
        var accountBalance = await BalanceAsync(LedgerAccount.AccountCode(account));
        var groupBalance = await BalanceAsync(LedgerAccount.GroupCode(account, group));
        Assert.True(accountBalance >= 0 && groupBalance >= 0);
        // Conservation: what the tenant holds is what was paid in, less what orders cost, plus what was refunded.
        var journals = await Store.ListJournalsAsync(account, null, 0, 1000, CancellationToken.None);
        long Total(JournalKind kind) => journals.Where(j => j.Kind == kind).Sum(j => j.Amount.Minor);
        Assert.Equal(Total(JournalKind.OfflinePayment) - Total(JournalKind.OrderDebit) + Total(JournalKind.Refund), accountBalance + groupBalance);
        await AssertLedgerConsistentAsync();
    }

    [Fact]
    public async Task The_same_idempotency_key_submitted_ten_times_at_once_posts_once()
    {
        var account = await NewAccountWithAsync(100);
        var request = new DebitOrderRequest(account, null, "order-42", Usd_(7), "ra", "order-42");

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => Debits.DebitAsync(request, CancellationToken.None))));

        Assert.All(results, r => Assert.False(r.IsError, r.Error?.Detail));
        Assert.Single(results.Select(r => r.Value.Journal.Id).Distinct());
        Assert.Equal(1, results.Count(r => !r.Value.Replayed));
        Assert.Equal(93, await BalanceAsync(LedgerAccount.AccountCode(account)));
        var journal = results[0].Value.Journal.Id;
        var audited = await ledger.Get<IAuditLog>().SearchAsync("billing.debited", $"billing-journal:{journal}", 0, 10, CancellationToken.None);
        Assert.Single(audited);
        await AssertLedgerConsistentAsync();
    }

    [Fact]
    public async Task Reusing_an_idempotency_key_for_a_different_request_is_refused_and_posts_nothing()
    {
        var account = await NewAccountWithAsync(100);
        Assert.False((await Debits.DebitAsync(new DebitOrderRequest(account, null, "order-1", Usd_(5), "ra", "key-1"), CancellationToken.None)).IsError);

        var reused = await Debits.DebitAsync(new DebitOrderRequest(account, null, "order-1", Usd_(6), "ra", "key-1"), CancellationToken.None);

        Assert.IsType<IdempotencyKeyReused>(reused.Error);
        Assert.Equal(95, await BalanceAsync(LedgerAccount.AccountCode(account)));
    }

    [Fact]
    public async Task A_refund_restores_the_paying_balance_and_the_spend_and_issues_one_credit_note()
    {
        var account = await NewAccountWithAsync(40);
        var group = NewId("grp");
        await Groups.ConfigureAsync(new GroupFinance(group, account, FinanceMode.DeductFromGroupBalance, Usd, 25, SpendPeriod.Month), "admin", CancellationToken.None);
        await Allocations.AllocateAsync(new AllocateToGroupRequest(account, group, Usd_(30), "finance-manager", NewId("alloc")), CancellationToken.None);
        var debit = (await DebitAsync(account, group, 25)).Value.Journal;
        Assert.IsType<SpendLimitExceeded>((await DebitAsync(account, group, 1)).Error);
        var groupCode = LedgerAccount.GroupCode(account, group);
        Assert.Equal(5, await BalanceAsync(groupCode));

        // Ten concurrent cancellations of the same order, each with its own key: one credit note.
        var refunds = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            Refunds.RefundAsync(new RefundOrderRequest(debit.Id, RefundReason.Cancelled, "ra", $"cancel-{debit.Id}-{i}"), CancellationToken.None))));

        var granted = Assert.Single(refunds, r => !r.IsError).Value;
        Assert.All(refunds.Where(r => r.IsError), r => Assert.IsType<AlreadyRefunded>(r.Error));
        Assert.Equal(debit.Id, granted.CreditNote.DebitJournalId);
        Assert.Equal(debit.Reference, granted.CreditNote.OrderReference);
        Assert.Equal(Usd_(25), granted.CreditNote.Amount);
        Assert.Equal(debit.Id, granted.Refund.Journal.ReversesJournalId);
        Assert.Equal(30, await BalanceAsync(groupCode));
        Assert.Equal(0, await Store.FindSpentAsync(group, debit.SpendPeriodStart!.Value, CancellationToken.None));
        Assert.Equal(-25, granted.Refund.Journal.AmountOn(LedgerAccount.Refunds(Usd).Code));
        Assert.False((await DebitAsync(account, group, 25)).IsError); // the released spend can be spent again

        // Retrying the granted refund with its own key replays it, with the same credit note.
        var key = refunds.Select((r, i) => (r, i)).Single(x => !x.r.IsError).i;
        var replay = await Refunds.RefundAsync(new RefundOrderRequest(debit.Id, RefundReason.Cancelled, "ra", $"cancel-{debit.Id}-{key}"), CancellationToken.None);
        Assert.True(replay.Value.Refund.Replayed);
        Assert.Equal(granted.CreditNote.Id, replay.Value.CreditNote.Id);
        await AssertLedgerConsistentAsync();
    }

    [Fact]
    public async Task Allocation_cannot_overdraw_the_account_and_deallocation_cannot_overdraw_the_group()
    {
        var account = await NewAccountWithAsync(10);
        var group = NewId("grp");
        await Groups.ConfigureAsync(new GroupFinance(group, account, FinanceMode.DeductFromGroupBalance, Usd, null, SpendPeriod.Month), "admin", CancellationToken.None);

        ledger.Clock.Advance(TimeSpan.FromSeconds(1)); // statement order is by time
        Assert.IsType<InsufficientCredit>((await Allocations.AllocateAsync(new AllocateToGroupRequest(account, group, Usd_(11), "fm", NewId("a")), CancellationToken.None)).Error);
        Assert.False((await Allocations.AllocateAsync(new AllocateToGroupRequest(account, group, Usd_(10), "fm", NewId("a")), CancellationToken.None)).IsError);
        ledger.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.IsType<InsufficientCredit>((await Allocations.DeallocateAsync(new AllocateToGroupRequest(account, group, Usd_(11), "fm", NewId("d")), CancellationToken.None)).Error);
        Assert.False((await Allocations.DeallocateAsync(new AllocateToGroupRequest(account, group, Usd_(4), "fm", NewId("d")), CancellationToken.None)).IsError);

        Assert.Equal(4, await BalanceAsync(LedgerAccount.AccountCode(account)));
        Assert.Equal(6, await BalanceAsync(LedgerAccount.GroupCode(account, group)));
        // The statement holds only what was posted, newest first; the refused moves left no journal.
        var statement = await Store.ListJournalsAsync(account, null, 0, 10, CancellationToken.None);
        Assert.Equal([JournalKind.GroupDeallocation, JournalKind.GroupAllocation, JournalKind.OfflinePayment], statement.Select(j => j.Kind));
        Assert.Equal([4L, 10L, 10L], statement.Select(j => j.Amount.Minor));
        var groupHistory = await Store.ListJournalsAsync(account, group, 0, 10, CancellationToken.None);
        Assert.Equal([JournalKind.GroupDeallocation, JournalKind.GroupAllocation], groupHistory.Select(j => j.Kind));
        await AssertLedgerConsistentAsync();
    }

    [Fact]
    public async Task Credits_are_not_allocated_to_a_group_that_pays_from_the_account_balance_but_can_be_taken_back()
    {
        var account = await NewAccountWithAsync(10);
        var group = NewId("grp");
        await Groups.ConfigureAsync(new GroupFinance(group, account, FinanceMode.DeductFromGroupBalance, Usd, null, SpendPeriod.Month), "admin", CancellationToken.None);
        Assert.False((await Allocations.AllocateAsync(new AllocateToGroupRequest(account, group, Usd_(6), "fm", NewId("a")), CancellationToken.None)).IsError);
        await Groups.ConfigureAsync(new GroupFinance(group, account, FinanceMode.DeductFromAccountBalance, Usd, null, SpendPeriod.Month), "admin", CancellationToken.None);

        var allocated = await Allocations.AllocateAsync(new AllocateToGroupRequest(account, group, Usd_(1), "fm", NewId("a")), CancellationToken.None);
        var returned = await Allocations.DeallocateAsync(new AllocateToGroupRequest(account, group, Usd_(6), "fm", NewId("d")), CancellationToken.None);

        Assert.Equal("finance-mode", Assert.IsType<PolicyViolation>(allocated.Error).Rule);
        Assert.False(returned.IsError, returned.Error?.Detail);
        Assert.Equal(10, await BalanceAsync(LedgerAccount.AccountCode(account)));
        Assert.Equal(0, await BalanceAsync(LedgerAccount.GroupCode(account, group)));
    }

    [Fact]
    public async Task An_account_keeps_the_currency_of_its_first_credit()
    {
        var account = await NewAccountWithAsync(10);
        var inr = await Credits.CreditAsync(new CreditAccountRequest(account, new Money(500, "INR"), "neft-1", "finance-officer", NewId("pay")), CancellationToken.None);
        var mismatch = Assert.IsType<CurrencyMismatch>(inr.Error);
        Assert.Equal(Usd, mismatch.Expected);
        Assert.Equal(10, await BalanceAsync(LedgerAccount.AccountCode(account)));
    }

    [Fact]
    public async Task Every_posting_is_audited_and_the_audit_chain_stays_intact()
    {
        var account = await NewAccountWithAsync(10);
        var debit = await DebitAsync(account, null, 3);
        var entries = await ledger.Get<IAuditLog>().SearchAsync(null, $"billing-journal:{debit.Value.Journal.Id}", 0, 10, CancellationToken.None);
        var entry = Assert.Single(entries);
        Assert.Equal("billing.debited", entry.Action);
        Assert.Contains(LedgerAccount.AccountCode(account), entry.DetailsJson);
        Assert.Contains("-3", entry.DetailsJson);
        Assert.Null(await AuditChain.VerifyAsync(ledger.Get<IAuditLog>().ReadAllAsync(CancellationToken.None), CancellationToken.None));
    }

    [Fact]
    public async Task The_check_reports_a_cached_balance_changed_behind_the_ledgers_back()
    {
        var account = await NewAccountWithAsync(10);
        var code = LedgerAccount.AccountCode(account);
        await using (var db = await ledger.Get<IDbContextFactory<CastellanDb>>().CreateDbContextAsync())
            await db.LedgerBalances.Where(b => b.Code == code).ExecuteUpdateAsync(u => u.SetProperty(b => b.BalanceMinor, 11));

        var discrepancies = await Store.CheckAsync(CancellationToken.None);

        var found = Assert.Single(discrepancies, d => d.Subject.Contains(code));
        Assert.Equal(10, found.Expected);
        Assert.Equal(11, found.Actual);
        await using (var db = await ledger.Get<IDbContextFactory<CastellanDb>>().CreateDbContextAsync())
            await db.LedgerBalances.Where(b => b.Code == code).ExecuteUpdateAsync(u => u.SetProperty(b => b.BalanceMinor, 10));
    }

    [Fact]
    public async Task The_database_itself_refuses_a_negative_cached_balance()
    {
        var account = await NewAccountWithAsync(1);
        var code = LedgerAccount.AccountCode(account);
        await using var db = await ledger.Get<IDbContextFactory<CastellanDb>>().CreateDbContextAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => db.LedgerBalances.Where(b => b.Code == code).ExecuteUpdateAsync(u => u.SetProperty(b => b.BalanceMinor, -1)));
        Assert.Equal(1, await BalanceAsync(code));
    }
}

public sealed class SqliteLedgerTests(SqliteLedger ledger) : LedgerTests(ledger), IClassFixture<SqliteLedger>;

public sealed class PostgresLedgerTests(PostgresLedger ledger) : LedgerTests(ledger), IClassFixture<PostgresLedger>;
