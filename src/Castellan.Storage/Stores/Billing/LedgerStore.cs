using Castellan.Billing.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Billing;

/// <summary>
/// The ledger on SQLite and PostgreSQL. One journal is one database transaction:
/// 1. insert the journal header (and credit note): the unique indexes settle idempotency and double refunds;
/// 2. charge the group's spend row with a conditional UPDATE (<c>... WHERE spent + x &lt;= limit</c>);
/// 3. update each cached tenant balance with a conditional UPDATE (<c>... WHERE balance + x &gt;= 0</c>), in code order;
/// 4. insert the postings; commit.
/// A conditional UPDATE that matches no row means the limit or the balance would be broken: roll back, report why.
/// On PostgreSQL (READ COMMITTED) the UPDATE takes the row lock and re-evaluates its WHERE on the newest committed
/// row, so concurrent debits queue on the row and each sees the balance the previous one left. On SQLite the
/// transaction begins IMMEDIATE, so writers run one at a time. Rows are always locked in the same order (spend row,
/// then balances by code), so two journals cannot deadlock.
/// </summary>
internal sealed class LedgerStore(IDbContextFactory<CastellanDb> factory, TimeProvider clock) : ILedgerStore
{
    public async Task<Result<PostedJournal>> PostAsync(LedgerWrite write, CancellationToken ct)
    {
        var h = write.Header;
        if (await FindReplayAsync(h, ct) is { } replay) return replay;
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        // Step 1: the header first, so a duplicate key or a second refund fails before any row is locked.
        var journal = ToRow(write);
        db.LedgerJournals.Add(journal);
        if (write.CreditNote is { } note) db.CreditNotes.Add(ToRow(note));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            await tx.RollbackAsync(CancellationToken.None);
            return await ExplainDuplicateAsync(write, ct);
        }
        db.ChangeTracker.Clear();

        // Step 2: the spend limit.
        if (write.Spend is { } spend && await ChargeSpendAsync(db, spend, ct) is { } overLimit)
        {
            await tx.RollbackAsync(CancellationToken.None);
            return overLimit;
        }

        // Step 3: the cached tenant balances, in the code order BalancedPostings guarantees.
        var now = Time.Ms(clock.GetUtcNow());
        foreach (var line in write.Postings.Lines.Where(l => l.Account.MustStayNonNegative))
        {
            if (await ApplyToBalanceAsync(db, line, now, ct) is { } refused)
            {
                await tx.RollbackAsync(CancellationToken.None);
                return refused;
            }
        }

        // Step 4: the postings themselves, then commit.
        var lineNo = 0;
        foreach (var line in write.Postings.Lines)
        {
            db.LedgerPostings.Add(new LedgerPostingRow
            {
                JournalId = h.Id, Line = ++lineNo, AccountCode = line.Account.Code, Currency = write.Postings.Currency, AmountMinor = line.AmountMinor,
            });
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new PostedJournal(ToJournal(journal, write.Postings.Lines.Select(l => new PostedLine(l.Account.Code, l.AmountMinor)).ToList()), false);
    }

    private async Task<Result<PostedJournal>?> FindReplayAsync(JournalHeader h, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var kind = (int)h.Kind;
        var row = await db.LedgerJournals.AsNoTracking()
            .FirstOrDefaultAsync(j => j.AccountId == h.AccountId && j.Kind == kind && j.IdempotencyKey == h.IdempotencyKey, ct);
        if (row is null) return null;
        if (row.Fingerprint != h.Fingerprint) return new IdempotencyKeyReused(h.IdempotencyKey);
        return new PostedJournal(await LoadAsync(db, row, ct), true);
    }

    /// <summary>A unique index refused the header: either the same key posted meanwhile (a replay) or the debit was refunded.</summary>
    private async Task<Result<PostedJournal>> ExplainDuplicateAsync(LedgerWrite write, CancellationToken ct)
    {
        if (await FindReplayAsync(write.Header, ct) is { } replay) return replay;
        if (write.CreditNote is { } note && await FindCreditNoteByDebitAsync(note.DebitJournalId, ct) is { } existing)
            return new AlreadyRefunded(note.DebitJournalId, existing.Id);
        throw new InvalidOperationException($"journal {write.Header.Id} collided with a row that cannot be found");
    }

    private static async Task<CastellanError?> ChargeSpendAsync(CastellanDb db, SpendCharge spend, CancellationToken ct)
    {
        var period = Time.Ms(spend.PeriodStart);
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO billing_group_spend ("GroupId", "PeriodStart", "SpentMinor") VALUES ({spend.GroupId}, {period}, {0L}) ON CONFLICT DO NOTHING""", ct);
        var amount = spend.AmountMinor;
        var rows = spend.LimitMinor is { } limit
            ? await db.GroupSpend.Where(s => s.GroupId == spend.GroupId && s.PeriodStart == period && s.SpentMinor + amount <= limit && s.SpentMinor + amount >= 0)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.SpentMinor, s => s.SpentMinor + amount), ct)
            : await db.GroupSpend.Where(s => s.GroupId == spend.GroupId && s.PeriodStart == period && s.SpentMinor + amount >= 0)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.SpentMinor, s => s.SpentMinor + amount), ct);
        if (rows == 1) return null;
        var spent = await db.GroupSpend.AsNoTracking().Where(s => s.GroupId == spend.GroupId && s.PeriodStart == period).Select(s => s.SpentMinor).FirstAsync(ct);
        if (spend.LimitMinor is null) throw new InvalidOperationException($"releasing {-amount} would take group {spend.GroupId}'s spending below zero");
        return new SpendLimitExceeded(spend.GroupId, spend.PeriodStart, spend.LimitMinor.Value, spent, amount);
    }

    private static async Task<CastellanError?> ApplyToBalanceAsync(CastellanDb db, Posting line, long now, CancellationToken ct)
    {
        var a = line.Account;
        var kind = (int)a.Kind;
        var accountId = a.TenantAccountId ?? throw new InvalidOperationException($"{a.Code} is not a tenant balance");
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO billing_balances ("Code", "Kind", "AccountId", "GroupId", "Currency", "BalanceMinor", "UpdatedAt") VALUES ({a.Code}, {kind}, {accountId}, {a.GroupId}, {a.Currency}, {0L}, {now}) ON CONFLICT DO NOTHING""", ct);
        var amount = line.AmountMinor;
        var rows = await db.LedgerBalances.Where(b => b.Code == a.Code && b.Currency == a.Currency && b.BalanceMinor + amount >= 0)
            .ExecuteUpdateAsync(u => u.SetProperty(b => b.BalanceMinor, b => b.BalanceMinor + amount).SetProperty(b => b.UpdatedAt, now), ct);
        if (rows == 1) return null;
        var current = await db.LedgerBalances.AsNoTracking().FirstAsync(b => b.Code == a.Code, ct);
        if (current.Currency != a.Currency) return new CurrencyMismatch(current.Currency, a.Currency);
        return new InsufficientCredit(a.Code, new Money(current.BalanceMinor, current.Currency), new Money(-amount, a.Currency));
    }

    public async Task<Journal?> FindJournalAsync(string journalId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.LedgerJournals.AsNoTracking().FirstOrDefaultAsync(j => j.Id == journalId, ct);
        return row is null ? null : await LoadAsync(db, row, ct);
    }

    public async Task<IReadOnlyList<Journal>> ListJournalsAsync(string accountId, string? groupId, int skip, int take, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var q = db.LedgerJournals.AsNoTracking().Where(j => j.AccountId == accountId);
        if (groupId is not null) q = q.Where(j => j.GroupId == groupId);
        var rows = await q
            .OrderByDescending(j => j.At).ThenByDescending(j => j.Id).Skip(skip).Take(take).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var lines = (await db.LedgerPostings.AsNoTracking().Where(p => ids.Contains(p.JournalId)).ToListAsync(ct)).ToLookup(p => p.JournalId);
        return rows.Select(r => ToJournal(r, Lines(lines[r.Id]))).ToList();
    }

    public async Task<Money?> FindBalanceAsync(string ledgerAccountCode, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.LedgerBalances.AsNoTracking().FirstOrDefaultAsync(b => b.Code == ledgerAccountCode, ct);
        return row is null ? null : new Money(row.BalanceMinor, row.Currency);
    }

    public async Task<long> SumPostingsAsync(string ledgerAccountCode, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.LedgerPostings.Where(p => p.AccountCode == ledgerAccountCode).SumAsync(p => (long?)p.AmountMinor, ct) ?? 0;
    }

    public async Task<GroupFinance?> FindGroupFinanceAsync(string groupId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.GroupFinance.AsNoTracking().FirstOrDefaultAsync(g => g.GroupId == groupId, ct);
        return r is null ? null : new GroupFinance(r.GroupId, r.AccountId, (FinanceMode)r.Mode, r.Currency, r.SpendLimitMinor, (SpendPeriod)r.SpendPeriod);
    }

    public async Task SaveGroupFinanceAsync(GroupFinance finance, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.GroupFinance.FirstOrDefaultAsync(g => g.GroupId == finance.GroupId, ct);
        if (row is null) db.GroupFinance.Add(row = new GroupFinanceRow { GroupId = finance.GroupId });
        row.AccountId = finance.AccountId;
        row.Mode = (int)finance.Mode;
        row.Currency = finance.Currency;
        row.SpendLimitMinor = finance.SpendLimitMinor;
        row.SpendPeriod = (int)finance.Period;
        await db.SaveChangesAsync(ct);
        var b = finance.Balance;
        var now = Time.Ms(clock.GetUtcNow());
        await db.Database.ExecuteSqlAsync(
            $"""INSERT INTO billing_balances ("Code", "Kind", "AccountId", "GroupId", "Currency", "BalanceMinor", "UpdatedAt") VALUES ({b.Code}, {(int)b.Kind}, {finance.AccountId}, {finance.GroupId}, {b.Currency}, {0L}, {now}) ON CONFLICT DO NOTHING""", ct);
        await tx.CommitAsync(ct);
    }

    public async Task<long> FindSpentAsync(string groupId, DateTimeOffset periodStart, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var period = Time.Ms(periodStart);
        return await db.GroupSpend.Where(s => s.GroupId == groupId && s.PeriodStart == period).Select(s => (long?)s.SpentMinor).FirstOrDefaultAsync(ct) ?? 0;
    }

    public async Task<CreditNote?> FindCreditNoteByDebitAsync(string debitJournalId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.CreditNotes.AsNoTracking().FirstOrDefaultAsync(c => c.DebitJournalId == debitJournalId, ct);
        return r is null ? null : new CreditNote(r.Id, r.AccountId, r.DebitJournalId, r.RefundJournalId, r.OrderReference,
            new Money(r.AmountMinor, r.Currency), (RefundReason)r.Reason, Time.At(r.IssuedAt));
    }

    public async Task<IReadOnlyList<LedgerDiscrepancy>> CheckAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var found = new List<LedgerDiscrepancy>();
        // Cached balance == sum of postings, for every tenant balance.
        var balances = await db.LedgerBalances.AsNoTracking()
            .Select(b => new { b.Code, b.BalanceMinor, Sum = db.LedgerPostings.Where(p => p.AccountCode == b.Code).Sum(p => (long?)p.AmountMinor) ?? 0 })
            .Where(x => x.Sum != x.BalanceMinor).ToListAsync(ct);
        found.AddRange(balances.Select(b => new LedgerDiscrepancy($"balance {b.Code}", b.Sum, b.BalanceMinor)));
        // Tenant postings without a cached balance row.
        var uncached = await db.LedgerPostings.AsNoTracking().Where(p => p.AccountCode.StartsWith("tenant:") && !db.LedgerBalances.Any(b => b.Code == p.AccountCode))
            .Select(p => p.AccountCode).Distinct().ToListAsync(ct);
        found.AddRange(uncached.Select(c => new LedgerDiscrepancy($"balance {c} (no cached row)", 0, 1)));
        // Every journal: at least two postings summing to zero.
        var journals = await db.LedgerJournals.AsNoTracking()
            .Select(j => new { j.Id, Sum = db.LedgerPostings.Where(p => p.JournalId == j.Id).Sum(p => (long?)p.AmountMinor) ?? 0, Count = db.LedgerPostings.Count(p => p.JournalId == j.Id) })
            .Where(x => x.Sum != 0 || x.Count < 2).ToListAsync(ct);
        found.AddRange(journals.Select(j => new LedgerDiscrepancy($"journal {j.Id} ({j.Count} postings)", 0, j.Sum)));
        // Spend rows == what the journals charged and released in that period.
        var charged = await db.LedgerJournals.AsNoTracking().Where(j => j.SpendGroupId != null)
            .Select(j => new { j.SpendGroupId, j.SpendPeriodStart, j.Kind, Amount = db.LedgerPostings.Where(p => p.JournalId == j.Id && p.AmountMinor > 0).Sum(p => (long?)p.AmountMinor) ?? 0 })
            .ToListAsync(ct);
        var expected = charged.GroupBy(c => (c.SpendGroupId!, c.SpendPeriodStart!.Value))
            .ToDictionary(g => g.Key, g => g.Sum(c => c.Kind == (int)JournalKind.Refund ? -c.Amount : c.Amount));
        foreach (var s in await db.GroupSpend.AsNoTracking().ToListAsync(ct))
        {
            var want = expected.GetValueOrDefault((s.GroupId, s.PeriodStart));
            if (want != s.SpentMinor) found.Add(new LedgerDiscrepancy($"spend of group {s.GroupId} from {Time.At(s.PeriodStart):yyyy-MM-dd}", want, s.SpentMinor));
        }
        return found;
    }

    private static async Task<Journal> LoadAsync(CastellanDb db, LedgerJournalRow row, CancellationToken ct)
    {
        var lines = await db.LedgerPostings.AsNoTracking().Where(p => p.JournalId == row.Id).ToListAsync(ct);
        return ToJournal(row, Lines(lines));
    }

    private static List<PostedLine> Lines(IEnumerable<LedgerPostingRow> rows) =>
        rows.OrderBy(p => p.Line).Select(p => new PostedLine(p.AccountCode, p.AmountMinor)).ToList();

    private static LedgerJournalRow ToRow(LedgerWrite w) => new()
    {
        Id = w.Header.Id, Kind = (int)w.Header.Kind, AccountId = w.Header.AccountId, GroupId = w.Header.GroupId, IdempotencyKey = w.Header.IdempotencyKey,
        Fingerprint = w.Header.Fingerprint, Currency = w.Postings.Currency, At = Time.Ms(w.Header.At), Actor = w.Header.Actor, Reference = w.Header.Reference,
        Memo = w.Header.Memo, ReversesJournalId = w.Header.ReversesJournalId, SpendGroupId = w.Spend?.GroupId,
        SpendPeriodStart = w.Spend is { } s ? Time.Ms(s.PeriodStart) : null,
    };

    private static CreditNoteRow ToRow(CreditNote n) => new()
    {
        Id = n.Id, AccountId = n.AccountId, DebitJournalId = n.DebitJournalId, RefundJournalId = n.RefundJournalId, OrderReference = n.OrderReference,
        AmountMinor = n.Amount.Minor, Currency = n.Amount.Currency, Reason = (int)n.Reason, IssuedAt = Time.Ms(n.IssuedAt),
    };

    private static Journal ToJournal(LedgerJournalRow r, IReadOnlyList<PostedLine> lines) =>
        new(r.Id, (JournalKind)r.Kind, r.AccountId, r.GroupId, r.Currency, Time.At(r.At), r.Actor, r.Reference, r.Memo, r.ReversesJournalId,
            r.SpendGroupId, Time.At(r.SpendPeriodStart), lines);
}
