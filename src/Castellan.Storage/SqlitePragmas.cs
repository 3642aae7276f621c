using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Castellan.Storage;

/// <summary>
/// Per-connection SQLite settings. WAL lets readers run beside the writer; synchronous=FULL makes every commit
/// durable against power loss, not only against a process crash, because a CA must never forget a serial it signed.
/// </summary>
/// <remarks>
/// synchronous, busy_timeout and foreign_keys belong to the physical connection (the native sqlite3 handle), which
/// Microsoft.Data.Sqlite's pool keeps open and hands to a new <see cref="SqliteConnection"/> on every open; they
/// survive going back to the pool. journal_mode=WAL is stored in the database file. So the PRAGMAs run once per
/// native handle, not on every pooled open, which saved a statement preparation and four PRAGMA evaluations per
/// read and per group-commit batch.
/// </remarks>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    /// <summary>SQLite's own checkpoint, as a backstop: <see cref="Sqlite.SqliteCheckpoints"/> normally keeps the WAL far
    /// smaller (64 MiB at 4 KiB pages; SQLite's default is 1,000 pages).</summary>
    public const int AutoCheckpointPages = 16384;

    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=16384;";

    /// <summary>Native handles already configured; weak keys, so a handle the pool disposes leaves the table.</summary>
    private readonly ConditionalWeakTable<object, object> _configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!NeedsPragmas(connection, out var handle)) return;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
        Remember(handle);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!NeedsPragmas(connection, out var handle)) return;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        Remember(handle);
    }

    /// <summary>Marked only after the PRAGMAs succeeded, so a failure is retried on the next open.</summary>
    private void Remember(object? handle)
    {
        if (handle is not null) _configured.TryAdd(handle, handle);
    }

    private bool NeedsPragmas(DbConnection connection, out object? handle)
    {
        handle = (connection as SqliteConnection)?.Handle;
        // No handle to remember (another connection type): run them every time, as before.
        return handle is null || !_configured.TryGetValue(handle, out _);
    }
}
