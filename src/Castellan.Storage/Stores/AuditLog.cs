using System.Runtime.CompilerServices;
using Castellan.Auditing;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores;

/// <summary>
/// The hash-chained audit log. Appends are serialised so the chain never forks: by the single group-commit writer in
/// this process (SQLite: one writer process), and by a transaction-scoped advisory lock on PostgreSQL (several nodes).
/// </summary>
internal sealed class AuditLog(IDbContextFactory<CastellanDb> factory, GroupCommit writes) : IAuditLog
{
    /// <summary>Appends through group commit: the one writer chains the entries of a batch in order, under the same
    /// PostgreSQL advisory lock as before, and returns each entry once its transaction has committed.</summary>
    public Task<AuditEntry> AppendAsync(AuditEvent e, CancellationToken ct) => writes.AppendAsync(e);

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
