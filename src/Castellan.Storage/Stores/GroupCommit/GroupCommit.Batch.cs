using System.Data.Common;
using Castellan.Auditing;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Castellan.Storage.Stores;

/// <summary>One batch's transaction: its statements, their SQL and the audit chain's end as the batch sees it.</summary>
internal sealed partial class GroupCommit
{
    /// <summary>The end of the audit chain as seen inside the batch's transaction.</summary>
    private sealed class AuditTail(CastellanDb db, DbTransaction transaction, BatchSql sql, TimeProvider clock)
    {
        private const long AdvisoryLockKey = 0x436173_74656C; // "Castel", as AuditLog used before group commit
        private bool _loaded;
        private long _sequence;
        private string _hash = AuditChain.Genesis;

        /// <summary>Chains <paramref name="e"/> to the end and stages its insert; the entry is durable once the batch commits.</summary>
        public async Task<AuditEntry> NextAsync(AuditEvent e, Batch batch)
        {
            if (!_loaded) await LoadAsync();
            var sequence = _sequence + 1;
            var at = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
            var hash = AuditChain.ComputeHash(sequence, at, e.Actor, e.Action, e.Target, e.DetailsJson, e.SourceAddress, _hash);
            batch.Stage(sql.InsertAudit, [sequence, Time.Ms(at), e.Actor, e.Action, e.Target, e.DetailsJson, e.SourceAddress, _hash, hash]);
            var entry = new AuditEntry(sequence, at, e.Actor, e.Action, e.Target, e.DetailsJson, e.SourceAddress, _hash, hash);
            _sequence = sequence;
            _hash = hash;
            return entry;
        }

        private async Task LoadAsync()
        {
            // Several nodes share PostgreSQL: a transaction-scoped advisory lock keeps the chain from forking; it is
            // taken in the same round trip as the read of the chain's end. One node (SQLite) has one writer: this loop.
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = transaction;
            command.CommandText = db.Database.IsNpgsql() ? $"SELECT pg_advisory_xact_lock({AdvisoryLockKey}); {sql.AuditTail}" : sql.AuditTail;
            await using var reader = await command.ExecuteReaderAsync();
            if (db.Database.IsNpgsql()) await reader.NextResultAsync();
            if (await reader.ReadAsync())
            {
                _sequence = reader.GetInt64(0);
                _hash = reader.GetString(1);
            }
            _loaded = true;
        }
    }

    /// <summary>One transaction's connection and the statements its writes staged. The writer is the one serial
    /// section of issuance, so the less each write costs inside it, the more certificates one fsync covers: plain
    /// ADO.NET statements, not EF change tracking, and on PostgreSQL every staged statement in one round trip.</summary>
    private sealed class Batch(CastellanDb db, DbTransaction transaction, BatchSql sql, AuditTail chain) : IDisposable
    {
        private readonly List<(string Text, object?[] Values, Action<int>? Rows)> _staged = [];
        private readonly Dictionary<string, DbCommand> _commands = [];

        public AuditTail Chain => chain;
        public BatchSql Sql => sql;

        public void Stage(string text, object?[] values, Action<int>? rows = null) => _staged.Add((text, values, rows));

        public async Task ExecuteAsync()
        {
            var connection = db.Database.GetDbConnection();
            if (_staged.Count > 1 && connection.CanCreateBatch)
            {
                await using var batch = connection.CreateBatch();
                batch.Transaction = transaction;
                foreach (var (text, values, _) in _staged)
                {
                    var command = batch.CreateBatchCommand();
                    command.CommandText = text;
                    AddParameters(command.Parameters, values, command.CreateParameter);
                    batch.BatchCommands.Add(command);
                }
                await batch.ExecuteNonQueryAsync();
                for (var i = 0; i < _staged.Count; i++) _staged[i].Rows?.Invoke(batch.BatchCommands[i].RecordsAffected);
                return;
            }
            // SQLite runs in-process, so there is no round trip to save: one prepared command per statement text.
            foreach (var (text, values, rows) in _staged)
            {
                if (!_commands.TryGetValue(text, out var command))
                {
                    command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = text;
                    AddParameters(command.Parameters, values, command.CreateParameter);
                    _commands.Add(text, command);
                }
                for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
                var affected = await command.ExecuteNonQueryAsync();
                rows?.Invoke(affected);
            }
        }

        private static void AddParameters(DbParameterCollection parameters, object?[] values, Func<DbParameter> create)
        {
            for (var i = 0; i < values.Length; i++)
            {
                var p = create();
                p.ParameterName = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                p.Value = values[i] ?? DBNull.Value;
                parameters.Add(p);
            }
        }

        public CastellanDb Db => db;

        public void Dispose()
        {
            foreach (var command in _commands.Values) command.Dispose();
        }
    }

    /// <summary>The statements, with table and column names taken from the EF model, so they follow the schema.</summary>
    private sealed record BatchSql(string InsertCertificate, string CompleteCertificate, string InsertAudit, string AuditTail,
        string ReservationExists, string CompletionExists, string AuditExists)
    {
        public static BatchSql From(CastellanDb db)
        {
            var certificates = db.Model.FindEntityType(typeof(CertificateRow))!;
            var audit = db.Model.FindEntityType(typeof(AuditRow))!;
            return new BatchSql(
                Insert(certificates, nameof(CertificateRow.Serial), nameof(CertificateRow.CaId), nameof(CertificateRow.ProfileId), nameof(CertificateRow.SubjectDn),
                    nameof(CertificateRow.Sans), nameof(CertificateRow.NotBefore), nameof(CertificateRow.NotAfter), nameof(CertificateRow.Status),
                    nameof(CertificateRow.RecordedAt), nameof(CertificateRow.RequestedBy), nameof(CertificateRow.TbsHash), nameof(CertificateRow.Tbs), nameof(CertificateRow.Der),
                    nameof(CertificateRow.RevokedAt), nameof(CertificateRow.RevocationReason), nameof(CertificateRow.KeyAlgorithm)),
                $"UPDATE {Table(certificates)} SET {Column(certificates, nameof(CertificateRow.Der))} = @p0, {Column(certificates, nameof(CertificateRow.Status))} = @p1, " +
                $"{Column(certificates, nameof(CertificateRow.Tbs))} = NULL " +
                $"WHERE {Column(certificates, nameof(CertificateRow.Serial))} = @p2 AND {Column(certificates, nameof(CertificateRow.Status))} = @p3",
                Insert(audit, nameof(AuditRow.Sequence), nameof(AuditRow.At), nameof(AuditRow.Actor), nameof(AuditRow.Action), nameof(AuditRow.Target),
                    nameof(AuditRow.DetailsJson), nameof(AuditRow.SourceAddress), nameof(AuditRow.PreviousHash), nameof(AuditRow.Hash)),
                $"SELECT {Column(audit, nameof(AuditRow.Sequence))}, {Column(audit, nameof(AuditRow.Hash))} FROM {Table(audit)} " +
                $"ORDER BY {Column(audit, nameof(AuditRow.Sequence))} DESC LIMIT 1",
                $"SELECT COUNT(*) FROM {Table(certificates)} WHERE {Column(certificates, nameof(CertificateRow.Serial))} = @p0 AND {Column(certificates, nameof(CertificateRow.TbsHash))} = @p1",
                $"SELECT COUNT(*) FROM {Table(certificates)} WHERE {Column(certificates, nameof(CertificateRow.Serial))} = @p0 AND {Column(certificates, nameof(CertificateRow.Der))} = @p1",
                $"SELECT COUNT(*) FROM {Table(audit)} WHERE {Column(audit, nameof(AuditRow.Sequence))} = @p0 AND {Column(audit, nameof(AuditRow.Hash))} = @p1");
        }

        private static string Insert(IEntityType e, params string[] properties) =>
            $"INSERT INTO {Table(e)} ({string.Join(", ", properties.Select(p => Column(e, p)))}) " +
            $"VALUES ({string.Join(", ", properties.Select((_, i) => "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)))})";

        private static string Table(IEntityType e) => e.GetSchema() is { } schema ? $"\"{schema}\".\"{e.GetTableName()}\"" : $"\"{e.GetTableName()}\"";

        private static string Column(IEntityType e, string property) =>
            $"\"{e.FindProperty(property)!.GetColumnName(StoreObjectIdentifier.Table(e.GetTableName()!, e.GetSchema()))}\"";
    }
}
