using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Castellan.Storage.Stores;

/// <summary>
/// Plain SQL for writes that run inside <see cref="GroupCommit"/>'s writer, the one serial section every write of
/// every order passes: EF's change tracking (SaveChanges) and query pipeline (ExecuteUpdate) cost several times the
/// statement itself there. Table and column names come from the EF model, so the SQL follows the mappings on SQLite
/// and PostgreSQL alike; statements run on the batch's connection and in its transaction.
/// </summary>
internal static class WriterSql
{
    private static readonly ConcurrentDictionary<(IModel, Type), (string Sql, IProperty[] Properties)> Inserts = new();
    private static readonly ConcurrentDictionary<(IModel, string), string> Statements = new();

    /// <summary>INSERT of every mapped column of <paramref name="row"/>.</summary>
    public static Task<int> InsertAsync<TRow>(CastellanDb db, TRow row)
        where TRow : class => InsertAsync(db, row, Inserts, "");

    /// <summary>
    /// INSERT that leaves the table as it is when the row would break a unique constraint (primary key or index) and
    /// says so by returning false. <c>ON CONFLICT DO NOTHING</c> is SQLite's and PostgreSQL's: no exception, so no
    /// savepoint is needed to keep a PostgreSQL batch transaction usable, and the batch goes on.
    /// </summary>
    public static async Task<bool> InsertIfAbsentAsync<TRow>(CastellanDb db, TRow row)
        where TRow : class => await InsertAsync(db, row, InsertsIfAbsent, " ON CONFLICT DO NOTHING") == 1;

    private static readonly ConcurrentDictionary<(IModel, Type), (string Sql, IProperty[] Properties)> InsertsIfAbsent = new();

    private static Task<int> InsertAsync<TRow>(CastellanDb db, TRow row, ConcurrentDictionary<(IModel, Type), (string Sql, IProperty[] Properties)> cache, string suffix)
        where TRow : class
    {
        var (sql, properties) = cache.GetOrAdd((db.Model, typeof(TRow)), static (key, suffix) =>
        {
            var e = key.Item1.FindEntityType(key.Item2)!;
            var properties = e.GetProperties().ToArray();
            var table = StoreObjectIdentifier.Table(e.GetTableName()!, e.GetSchema());
            var columns = string.Join(", ", properties.Select(p => Quote(p.GetColumnName(table)!)));
            var values = string.Join(", ", properties.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)));
            return ($"INSERT INTO {Table(e)} ({columns}) VALUES ({values}){suffix}", properties);
        }, suffix);
        var values = new object?[properties.Length];
        for (var i = 0; i < properties.Length; i++)
        {
            var value = properties[i].GetGetter().GetClrValue(row);
            values[i] = properties[i].GetValueConverter() is { } converter && value is not null ? converter.ConvertToProvider(value) : value;
        }
        return RunAsync(db, sql, values);
    }

    /// <summary>
    /// A statement written with entity and property names in braces, <c>{AcmeOrderRow}</c> for the table and
    /// <c>{AcmeOrderRow.Status}</c> for a column, and parameters <c>@p0</c>, <c>@p1</c>...; translated once per model.
    /// </summary>
    public static Task<int> ExecuteAsync(CastellanDb db, string statement, params object?[] values) =>
        RunAsync(db, Statements.GetOrAdd((db.Model, statement), static key => Translate(key.Item1, key.Item2)), values);

    private static async Task<int> RunAsync(CastellanDb db, string sql, object?[] values)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            DbParameter p = command.CreateParameter();
            p.ParameterName = "@p" + i.ToString(CultureInfo.InvariantCulture);
            p.Value = values[i] ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        return await command.ExecuteNonQueryAsync();
    }

    internal static string Translate(IModel model, string text)
    {
        var entities = model.GetEntityTypes().ToDictionary(e => e.ClrType.Name, StringComparer.Ordinal);
        return System.Text.RegularExpressions.Regex.Replace(text, @"\{(\w+)(?:\.(\w+))?\}", m =>
        {
            var e = entities[m.Groups[1].Value];
            if (!m.Groups[2].Success) return Table(e);
            return Quote(e.FindProperty(m.Groups[2].Value)!.GetColumnName(StoreObjectIdentifier.Table(e.GetTableName()!, e.GetSchema()))!);
        });
    }

    internal static string Table(IEntityType e) => e.GetSchema() is { } schema ? $"{Quote(schema)}.{Quote(e.GetTableName()!)}" : Quote(e.GetTableName()!);

    internal static string Quote(string name) => "\"" + name + "\"";
}
