using System.Data.Common;
using Castellan.Authority.Contracts;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Castellan.IntegrationTests.Support;

/// <summary>Reads a node's database directly (plain SQL, same text on both providers), to check what was really stored.</summary>
public sealed class DatabaseProbe(Func<DbConnection> connect)
{
    public static DatabaseProbe Postgres(string connectionString) =>
        new(() => new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString));

    public static DatabaseProbe Sqlite(string dataDirectory) =>
        new(() => new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "castellan.db")};Pooling=False"));

    public sealed record CertificateRow(string Serial, CertificateStatus Status, byte[]? Der);

    public async Task<Dictionary<string, CertificateRow>> CertificatesAsync()
    {
        var rows = new Dictionary<string, CertificateRow>();
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Serial\", \"Status\", \"Der\" FROM certificates";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var serial = reader.GetString(0);
            rows[serial] = new CertificateRow(serial, (CertificateStatus)reader.GetInt32(1), reader.IsDBNull(2) ? null : (byte[])reader.GetValue(2));
        }
        return rows;
    }

    public async Task<long> CountAsync(string sqlFromWhere)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) " + sqlFromWhere;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The first column of every row of <paramref name="sql"/>, as text.</summary>
    public async Task<List<string>> ColumnAsync(string sql)
    {
        var values = new List<string>();
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }

    /// <summary>Runs one statement with parameters @p0, @p1, ... (same text on both providers); returns the rows affected.</summary>
    public async Task<int> ExecuteAsync(string sql, params object[] values)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            var p = command.CreateParameter();
            p.ParameterName = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            p.Value = values[i];
            command.Parameters.Add(p);
        }
        return await command.ExecuteNonQueryAsync();
    }

    private async Task<DbConnection> OpenAsync()
    {
        var connection = connect();
        await connection.OpenAsync();
        return connection;
    }
}
