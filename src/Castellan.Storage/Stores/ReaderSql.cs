using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Castellan.Storage.Stores;

/// <summary>
/// Plain SQL for the reads every ACME request makes (an order, an authorization, an account): one SELECT of every
/// mapped column, the row filled from the EF model's properties and value converters. Even compiled, an EF query
/// costs its enumerator, shaper and diagnostics set-up per call, several times the SQLite statement itself; the bench
/// profile put those reads at about 7 % of the server's CPU. The WHERE clause is written like <see cref="WriterSql"/>'s
/// statements (<c>{AcmeOrderRow.Id} = @p0</c>), so it follows the mappings on SQLite and PostgreSQL.
/// </summary>
internal static class ReaderSql
{
    private static readonly ConcurrentDictionary<(IModel, Type, string), Select> Selects = new();

    private sealed record Select(string Sql, Column[] Columns);

    private sealed record Column(PropertyInfo Property, Type ReadAs, Func<object?, object?>? FromProvider);

    /// <summary>The first row matching <paramref name="where"/>, or null.</summary>
    public static async Task<TRow?> FirstOrDefaultAsync<TRow>(CastellanDb db, string where, CancellationToken ct, params object?[] values)
        where TRow : class, new()
    {
        var select = Selects.GetOrAdd((db.Model, typeof(TRow), where), static key => Prepare(key.Item1, key.Item2, key.Item3));
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = select.Sql;
            for (var i = 0; i < values.Length; i++)
            {
                DbParameter p = command.CreateParameter();
                p.ParameterName = "@p" + i.ToString(CultureInfo.InvariantCulture);
                p.Value = values[i] ?? DBNull.Value;
                command.Parameters.Add(p);
            }
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return null;
            var row = new TRow();
            for (var i = 0; i < select.Columns.Length; i++)
            {
                var c = select.Columns[i];
                object? value = null;
                if (!reader.IsDBNull(i))
                {
                    value = reader.GetValue(i);
                    // SQLite hands back INTEGER as long for bool and int columns too.
                    if (value.GetType() != c.ReadAs) value = Convert.ChangeType(value, c.ReadAs, CultureInfo.InvariantCulture);
                    if (c.FromProvider is { } convert) value = convert(value);
                }
                c.Property.SetValue(row, value);
            }
            return row;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static Select Prepare(IModel model, Type type, string where)
    {
        var e = model.FindEntityType(type)!;
        var table = StoreObjectIdentifier.Table(e.GetTableName()!, e.GetSchema());
        var properties = e.GetProperties().Where(p => p.PropertyInfo is not null).ToArray();
        var columns = string.Join(", ", properties.Select(p => WriterSql.Quote(p.GetColumnName(table)!)));
        var sql = $"SELECT {columns} FROM {WriterSql.Table(e)} WHERE {WriterSql.Translate(model, where)} LIMIT 1";
        return new Select(sql, properties.Select(p =>
        {
            var converter = p.GetValueConverter();
            var stored = converter?.ProviderClrType ?? p.ClrType;
            return new Column(p.PropertyInfo!, Nullable.GetUnderlyingType(stored) ?? stored, converter is null ? null : converter.ConvertFromProvider);
        }).ToArray());
    }
}
