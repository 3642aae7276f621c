using Castellan.Authority;
using Npgsql;

namespace Castellan.Storage;

/// <summary>
/// Serialises start-up (schema migration, first-start CA hierarchy, bootstrap administrator key) across every process
/// that shares the database, so two nodes started together on an empty database create one hierarchy, not two.
/// </summary>
public interface IStartupLock
{
    /// <summary>Waits until no other process holds the lock; disposing the result releases it.</summary>
    Task<IAsyncDisposable> AcquireAsync(CancellationToken ct);
}

/// <summary>
/// PostgreSQL: a session-level advisory lock on a dedicated, unpooled connection. If the holder dies, PostgreSQL
/// drops its session and the lock with it, so a crash during start-up never blocks the next node.
/// </summary>
internal sealed class PostgresStartupLock(string connectionString) : IStartupLock
{
    private const long Key = 0x436173_537472; // "CasStr"

    public async Task<IAsyncDisposable> AcquireAsync(CancellationToken ct)
    {
        // Unpooled: a pooled connection would go back to the pool still holding a session lock if unlocking failed.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({Key})", connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(ct);
            return new Held(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class Held(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({Key})", connection);
                await command.ExecuteNonQueryAsync();
            }
            finally
            {
                // Closing the session releases the lock even if the unlock above failed.
                await connection.DisposeAsync();
            }
        }
    }
}

/// <summary>
/// SQLite: an exclusive lock file in the data directory (flock on Linux; released by the OS when the process dies),
/// plus an in-process gate for hosts sharing one process.
/// </summary>
internal sealed class FileStartupLock(DataDirectory data) : IStartupLock
{
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(100);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IAsyncDisposable> AcquireAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            Directory.CreateDirectory(data.Path);
            var path = Path.Combine(data.Path, "startup.lock");
            while (true)
            {
                try
                {
                    var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new Held(file, _gate);
                }
                catch (IOException)
                {
                    await Task.Delay(Retry, ct);
                }
            }
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    private sealed class Held(FileStream file, SemaphoreSlim gate) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await file.DisposeAsync();
            gate.Release();
        }
    }
}
