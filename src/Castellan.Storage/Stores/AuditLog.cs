using System.Runtime.CompilerServices;
using Castellan.Auditing;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores;

/// <summary>
/// The hash-chained audit log. Appends are serialised so the chain never forks: by a process lock on SQLite (one
/// writer process), and by a transaction-scoped advisory lock on PostgreSQL (several nodes).
/// </summary>
internal sealed class AuditLog(IDbContextFactory<CastellanDb> factory, TimeProvider clock) : IAuditLog
{
    private const long AdvisoryLockKey = 0x436173_74656C; // "Castel"
    private readonly SemaphoreSlim _append = new(1, 1);

    public async Task<AuditEntry> AppendAsync(AuditEvent e, CancellationToken ct)
    {
        await _append.WaitAsync(ct);
        try
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (db.Database.IsNpgsql())
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct);
            var last = await db.Audit.AsNoTracking().OrderByDescending(a => a.Sequence).Select(a => new { a.Sequence, a.Hash }).FirstOrDefaultAsync(ct);
            var sequence = (last?.Sequence ?? 0) + 1;
            var previous = last?.Hash ?? AuditChain.Genesis;
            var at = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
            var hash = AuditChain.ComputeHash(sequence, at, e.Actor, e.Action, e.Target, e.DetailsJson, e.SourceAddress, previous);
            db.Audit.Add(new AuditRow
            {
                Sequence = sequence, At = Time.Ms(at), Actor = e.Actor, Action = e.Action, Target = e.Target, DetailsJson = e.DetailsJson,
                SourceAddress = e.SourceAddress, PreviousHash = previous, Hash = hash,
            });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return new AuditEntry(sequence, at, e.Actor, e.Action, e.Target, e.DetailsJson, e.SourceAddress, previous, hash);
        }
        finally
        {
            _append.Release();
        }
    }

    public async IAsyncEnumerable<AuditEntry> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await foreach (var r in db.Audit.AsNoTracking().OrderBy(a => a.Sequence).AsAsyncEnumerable().WithCancellation(ct))
            yield return ToEntry(r);
    }

    public async Task<IReadOnlyList<AuditEntry>> SearchAsync(string? action, string? target, int skip, int take, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        IQueryable<AuditRow> q = db.Audit.AsNoTracking();
        if (action is { Length: > 0 }) q = q.Where(a => a.Action == action);
        if (target is { Length: > 0 }) q = q.Where(a => a.Target == target);
        var rows = await q.OrderByDescending(a => a.Sequence).Skip(skip).Take(take).ToListAsync(ct);
        return rows.Select(ToEntry).ToList();
    }

    private static AuditEntry ToEntry(AuditRow r) =>
        new(r.Sequence, Time.At(r.At), r.Actor, r.Action, r.Target, r.DetailsJson, r.SourceAddress, r.PreviousHash, r.Hash);
}
