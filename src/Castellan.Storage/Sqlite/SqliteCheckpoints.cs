using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Castellan.Storage.Sqlite;

/// <summary>
/// Copies the SQLite WAL back into the database file from a background task, a few times a second. Left to SQLite, the
/// commit that grows the WAL past <see cref="SqlitePragmas.AutoCheckpointPages"/> runs the checkpoint itself: on the
/// group-commit writer, the one serial section of issuance, where every waiting certificate paid for copying the pages
/// and fsyncing the database file. PASSIVE waits for no reader or writer, so the writer keeps committing meanwhile.
/// SQLite's own automatic checkpoint stays on, at a size this loop normally never lets the WAL reach, in case it stops.
/// </summary>
internal sealed class SqliteCheckpoints(IDbContextFactory<CastellanDb> factory, ILogger<SqliteCheckpoints> log) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var db = await factory.CreateDbContextAsync(stoppingToken);
                await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(PASSIVE)", stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A checkpoint that could not run now runs on the next tick, or SQLite's automatic one takes over.
                log.LogWarning("WAL checkpoint failed: {Error}", e.Message);
            }
        }
    }
}
