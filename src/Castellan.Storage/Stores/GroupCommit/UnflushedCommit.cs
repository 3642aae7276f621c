using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores;

/// <summary>
/// A transaction whose COMMIT does not wait for the flush to disk; <see cref="GroupCommit"/> uses it only for
/// reproducible completions. PostgreSQL: <c>SET LOCAL synchronous_commit TO OFF</c>, which the transaction stages
/// itself (<see cref="PostgresStatement"/>). SQLite: synchronous belongs to the connection, so it is NORMAL (in WAL
/// mode: the commit is written to the WAL, not fsynced) for this one transaction and FULL again before the
/// connection goes back to the pool, where every other commit expects FULL.
/// </summary>
internal sealed class UnflushedCommit : IAsyncDisposable
{
    public const string PostgresStatement = "SET LOCAL synchronous_commit TO OFF";

    private readonly DbConnection _connection;

    private UnflushedCommit(DbConnection connection) => _connection = connection;

    /// <summary>Call before the transaction begins; dispose after it ends. Null where nothing is needed outside it.</summary>
    public static async Task<UnflushedCommit?> PrepareAsync(CastellanDb db)
    {
        if (!db.Database.IsSqlite()) return null;
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        await ExecuteAsync(connection, "PRAGMA synchronous=NORMAL");
        return new UnflushedCommit(connection);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync(_connection, "PRAGMA synchronous=FULL");
        }
        catch (Exception)
        {
            // This connection must never serve a durable commit again: the pool drops it instead of keeping it.
            SqliteConnection.ClearPool((SqliteConnection)_connection);
            throw;
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, string pragma)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = pragma;
        await command.ExecuteNonQueryAsync();
    }
}
