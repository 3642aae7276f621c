using Castellan.IntegrationTests.Support;
using Castellan.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Castellan.IntegrationTests.Storage;

/// <summary>
/// SqlitePragmas configures each physical SQLite connection once, not on every pooled open. Durability rests on
/// those settings, so a connection the pool hands back must still carry them.
/// </summary>
public sealed class SqlitePragmaTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task A_reused_pooled_connection_still_has_synchronous_full_busy_timeout_foreign_keys_and_wal()
    {
        var factory = server.Get<IDbContextFactory<CastellanDb>>();
        var handles = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var opens = 0;
        for (var i = 0; i < 12; i++)
        {
            await using var db = await factory.CreateDbContextAsync();
            // Opened through EF, as the stores open it: that is where the interceptor runs.
            await db.Database.OpenConnectionAsync();
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            // Same native handle as an earlier open: the pool reused a physical connection and the interceptor skipped it.
            if (!handles.Add(connection.Handle!)) opens++;
            Assert.Equal(2L, await ScalarAsync(connection, "PRAGMA synchronous"));
            Assert.Equal(30000L, await ScalarAsync(connection, "PRAGMA busy_timeout"));
            Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA foreign_keys"));
            Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
            await db.Database.CloseConnectionAsync();
        }
        Assert.True(opens > 0, "the pool never handed back a physical connection, so reuse was not tested");
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
