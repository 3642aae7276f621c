using System.Runtime.CompilerServices;
using Castellan.Auditing;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores;

/// <summary>
/// The hash-chained audit log. Appends are serialised so the chain never forks: by the single group-commit writer in
/// this process (SQLite: one writer process), and by a transaction-scoped advisory lock on PostgreSQL (several nodes).
/// </summary>
internal sealed class AuditLog(IDbContextFactory<CastellanDb> factory, GroupCommit writes) : IAuditLog, IAuditSearch
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

    public async Task<(IReadOnlyList<AuditEntry> Items, int Total)> SearchAsync(AuditQuery query, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        IQueryable<AuditRow> q = db.Audit.AsNoTracking();
        if (query.Actor is { Length: > 0 } actor) q = q.Where(a => a.Actor == actor);
        if (query.Action is { Length: > 0 } action) q = q.Where(a => a.Action.StartsWith(action));
        if (query.From is { } from) { var f = Time.Ms(from); q = q.Where(a => a.At >= f); }
        if (query.To is { } to) { var t = Time.Ms(to); q = q.Where(a => a.At < t); }
        if (query.AccountId is { Length: > 0 } account)
        {
            // Details are JSON written by System.Text.Json, which escapes every quote inside a value (\u0022), so text
            // a user typed (a remark, a reason) can never forge the "account":"ID" pair of another tenant.
            var named = $"\"account\":\"{account}\"";
            var quoted = $"\"{account}\"";
            var target = "account:" + account;
            q = q.Where(a => a.DetailsJson.Contains(named) || (a.DetailsJson.Contains("\"accounts\":[") && a.DetailsJson.Contains(quoted)) || a.Target == target);
        }
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(a => a.Sequence).Skip(query.Skip).Take(query.Take).ToListAsync(ct);
        return (rows.Select(ToEntry).ToList(), total);
    }

    private static AuditEntry ToEntry(AuditRow r) =>
        new(r.Sequence, Time.At(r.At), r.Actor, r.Action, r.Target, r.DetailsJson, r.SourceAddress, r.PreviousHash, r.Hash);
}
