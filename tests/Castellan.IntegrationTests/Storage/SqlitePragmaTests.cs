using System.Net.Http.Json;
using Castellan.Authority.Hierarchy;
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

    [Fact]
    public async Task After_reproducible_completions_every_pooled_connection_is_back_to_synchronous_full()
    {
        // Completions of a deterministic key commit with synchronous=NORMAL for one transaction (UnflushedCommit); the
        // connection must be FULL again before any other write, reservations above all, can use it.
        var issuer = await server.Get<CaDirectory>().DefaultIssuerAsync(CancellationToken.None);
        Assert.True(issuer!.Key.SignsDeterministically, "the default issuing CA does not sign deterministically, so nothing here commits unflushed");
        await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            using var response = await server.Client.PostAsJsonAsync("/api/v1/certificates", new { profile = "tls-server", csr = Tools.P256CsrPem($"pragma{i}.castellan-tests.com") });
            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        }));

        var factory = server.Get<IDbContextFactory<CastellanDb>>();
        // Held open together, so the pool hands out every idle physical connection, not the same one again and again.
        var contexts = new List<CastellanDb>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var db = await factory.CreateDbContextAsync();
                contexts.Add(db);
                await db.Database.OpenConnectionAsync();
                Assert.Equal(2L, await ScalarAsync((SqliteConnection)db.Database.GetDbConnection(), "PRAGMA synchronous"));
            }
        }
        finally
        {
            foreach (var db in contexts) await db.DisposeAsync();
        }
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
