using Castellan.Authority.Contracts;
using Castellan.Authority.Coordination;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores;

/// <summary>Writes change-feed entries inside the transaction of the change they announce.</summary>
internal static class ChangeLog
{
    private const long FeedLockKey = 0x436173_466565; // "CasFee"

    /// <summary>
    /// Call first inside the transaction. On PostgreSQL, ids come from a sequence when the row is inserted but become
    /// visible at commit, so without this lock id 7 could commit before id 6 and a reader at 7 would never see 6.
    /// The transaction-scoped advisory lock makes writers take ids and commit one at a time, so ids become visible in
    /// order. SQLite already has one writer at a time.
    /// </summary>
    public static async Task LockAsync(CastellanDb db, CancellationToken ct)
    {
        if (db.Database.IsNpgsql()) await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({FeedLockKey})", ct);
    }

    public static void Add(CastellanDb db, ChangeKind kind, string caId, string? serialHex, DateTimeOffset at) =>
        db.StatusChanges.Add(new StatusChangeRow { At = Time.Ms(at), Kind = (int)kind, CaId = caId, Serial = serialHex });

    /// <summary>
    /// Commits <paramref name="change"/> (which returns whether it changed anything) together with an
    /// <see cref="ChangeKind.Access"/> entry, then tells this node's caller caches at once; other nodes learn of it
    /// from the feed. Returns what <paramref name="change"/> returned; nothing is written when it returns false.
    /// </summary>
    public static async Task<bool> CommitAccessChangeAsync(CastellanDb db, Func<Task<bool>> change, TimeProvider clock,
        IEnumerable<IAccessChangeListener> listeners, CancellationToken ct)
    {
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await LockAsync(db, ct);
            if (!await change()) return false;
            Add(db, ChangeKind.Access, "", null, clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        foreach (var listener in listeners) listener.AccessChanged();
        return true;
    }
}

internal sealed class ChangeFeed(IDbContextFactory<CastellanDb> factory) : IChangeFeed
{
    public async Task<long> HeadAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.StatusChanges.MaxAsync(c => (long?)c.Id, ct) ?? 0;
    }

    public async Task<IReadOnlyList<ChangeNotice>> ReadAfterAsync(long position, int max, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.StatusChanges.AsNoTracking().Where(c => c.Id > position).OrderBy(c => c.Id).Take(max).ToListAsync(ct);
        return rows.Select(r => new ChangeNotice(r.Id, (ChangeKind)r.Kind, r.CaId, r.Serial is null ? null : SerialNumber.Parse(r.Serial))).ToList();
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var cutoff = Time.Ms(before);
        // Keep the newest entry whatever its age, so the head (and a new node's start position) never goes backwards.
        var head = await db.StatusChanges.MaxAsync(c => (long?)c.Id, ct) ?? 0;
        return await db.StatusChanges.Where(c => c.At < cutoff && c.Id < head).ExecuteDeleteAsync(ct);
    }
}
