using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

/// <summary>
/// Each move is one conditional statement (insert the first use, restart an elapsed window from the start it was
/// read with, count one more while under the limit), so two nodes racing on the same key cannot both pass the last
/// slot; a lost race reads the row again.
/// </summary>
internal sealed class SendWindowStore(IDbContextFactory<CastellanDb> factory) : ISendWindowStore
{
    public async Task<WindowTake> TakeAsync(string key, DateTimeOffset now, TimeSpan window, int limit, CancellationToken ct)
    {
        var nowMs = Time.Ms(now);
        var windowMs = (long)window.TotalMilliseconds;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            var set = db.Set<SendWindowRow>();
            var row = await set.AsNoTracking().FirstOrDefaultAsync(x => x.Key == key, ct);
            if (row is null)
            {
                set.Add(new SendWindowRow { Key = key, WindowStart = nowMs, Count = 1 });
                try
                {
                    await db.SaveChangesAsync(ct);
                    return new WindowTake(true, 1, now + window);
                }
                catch (DbUpdateException e) when (UniqueViolation.Is(e))
                {
                    continue;
                }
            }
            if (nowMs - row.WindowStart >= windowMs)
            {
                var start = row.WindowStart;
                if (await set.Where(x => x.Key == key && x.WindowStart == start)
                        .ExecuteUpdateAsync(u => u.SetProperty(x => x.WindowStart, nowMs).SetProperty(x => x.Count, 1), ct) == 1)
                    return new WindowTake(true, 1, now + window);
                continue;
            }
            var ends = Time.At(row.WindowStart) + window;
            if (row.Count >= limit) return new WindowTake(false, row.Count, ends);
            var seen = row.WindowStart;
            if (await set.Where(x => x.Key == key && x.WindowStart == seen && x.Count < limit)
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.Count, x => x.Count + 1), ct) == 1)
                return new WindowTake(true, row.Count + 1, ends);
        }
        // Five lost races in a row: refuse rather than count without a check.
        return new WindowTake(false, limit, now + TimeSpan.FromSeconds(1));
    }
}
