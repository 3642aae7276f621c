using System.Data.Common;
using System.Threading.Channels;
using Castellan.Auditing;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Castellan.Storage.Stores;

/// <summary>
/// Group commit for the issuance hot path: serial reservations, certificate completions and audit appends from many
/// concurrent requests are written by one writer, in one transaction per batch, so one fsync (SQLite synchronous=FULL,
/// PostgreSQL fsync) covers every write in the batch. Durability is unchanged: each caller's task completes only
/// after the transaction holding its write has committed. While a batch commits, the next one fills; nobody waits
/// for a timer. If a batch fails, its writes are retried one transaction each, so one bad write fails only its caller.
/// </summary>
internal sealed class GroupCommit : IDisposable
{
    /// <summary>Bounds a transaction's size; a batch this big already spreads one fsync over hundreds of writes.</summary>
    private const int MaxBatch = 512;

    private readonly IDbContextFactory<CastellanDb> _factory;
    private readonly TimeProvider _clock;
    private readonly Channel<Write> _queue = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private BatchSql? _sql;

    public GroupCommit(IDbContextFactory<CastellanDb> factory, TimeProvider clock)
    {
        _factory = factory;
        _clock = clock;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Inserts a certificate row (a reservation); false when its serial already exists.</summary>
    public Task<bool> ReserveAsync(CertificateRow row) => Enqueue(new Reserve(row));

    /// <summary>Stores the signed certificate of an open reservation and marks it valid; with <paramref name="audit"/>,
    /// appends that entry in the same transaction, so neither is written without the other.</summary>
    public Task<AuditEntry?> CompleteAsync(string serial, byte[] der, int reservedStatus, int validStatus, AuditEvent? audit) =>
        Enqueue(new Complete(serial, der, reservedStatus, validStatus, audit));

    /// <summary>Appends to the hash-chained audit log; entries of one batch chain to each other in queue order.</summary>
    public Task<AuditEntry> AppendAsync(AuditEvent e) => Enqueue(new Append(e));

    /// <summary>
    /// Runs another store's write inside the next batch's transaction, so it shares that batch's fsync (the ACME and
    /// validation-evidence stores: an order makes about seven small writes, each of which cost a commit of its own).
    /// The task completes only after the commit. <paramref name="apply"/> may run twice (a failed batch is replayed
    /// write by write), so it must only touch the context it is given, and leave nothing tracked in it.
    /// </summary>
    public Task<T> RunAsync<T>(Func<CastellanDb, Task<T>> apply) => Enqueue(new Run<T>(apply));

    private Task<T> Enqueue<T>(Write<T> write)
    {
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(write), this);
        return write.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Write>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var w)) batch.Add(w);
            try
            {
                await CommitAsync(batch);
                foreach (var w in batch) w.Succeed();
            }
            catch (Exception) when (batch.Count > 1)
            {
                // Something in the batch failed (a serial collision, a completion whose reservation is gone, a lost
                // connection): nothing of it was committed. Replay each write alone so only the faulty one fails.
                foreach (var w in batch) await CommitAloneAsync(w);
            }
            catch (Exception e)
            {
                batch[0].Fail(e);
            }
        }
    }

    private async Task CommitAloneAsync(Write w)
    {
        try
        {
            await CommitAsync([w]);
            w.Succeed();
        }
        catch (Exception e)
        {
            w.Fail(e);
        }
    }

    private async Task CommitAsync(List<Write> batch)
    {
        await using var db = await _factory.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        var sql = _sql ??= BatchSql.From(db);
        using var batchContext = new Batch(db, tx.GetDbTransaction(), sql, new AuditTail(db, _clock));
        foreach (var w in batch) await w.ApplyAsync(batchContext);
        await tx.CommitAsync();
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(10));
    }

    /// <summary>The end of the audit chain as seen inside the batch's transaction.</summary>
    private sealed class AuditTail(CastellanDb db, TimeProvider clock)
    {
        private const long AdvisoryLockKey = 0x436173_74656C; // "Castel", as AuditLog used before group commit
        private bool _loaded;
        private long _sequence;
        private string _hash = AuditChain.Genesis;

        public async Task<AuditEntry> NextAsync(AuditEvent e, Func<long, long, AuditEvent, string, string, Task> insert)
        {
            if (!_loaded)
            {
                // Several nodes share PostgreSQL: a transaction-scoped advisory lock keeps the chain from forking.
                // One node (SQLite) has one writer: this loop.
                if (db.Database.IsNpgsql()) await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})");
                var last = await db.Audit.AsNoTracking().OrderByDescending(a => a.Sequence).Select(a => new { a.Sequence, a.Hash }).FirstOrDefaultAsync();
                _sequence = last?.Sequence ?? 0;
                _hash = last?.Hash ?? AuditChain.Genesis;
                _loaded = true;
            }
            var sequence = _sequence + 1;
            var at = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
            var hash = AuditChain.ComputeHash(sequence, at, e.Actor, e.Action, e.Target, e.DetailsJson, e.SourceAddress, _hash);
            await insert(sequence, Time.Ms(at), e, _hash, hash);
            var entry = new AuditEntry(sequence, at, e.Actor, e.Action, e.Target, e.DetailsJson, e.SourceAddress, _hash, hash);
            _sequence = sequence;
            _hash = hash;
            return entry;
        }
    }

    /// <summary>One transaction's connection, its prepared commands and the audit chain's end.</summary>
    private sealed class Batch(CastellanDb db, DbTransaction transaction, BatchSql sql, AuditTail chain) : IDisposable
    {
        private DbCommand? _insertCertificate;
        private DbCommand? _completeCertificate;
        private DbCommand? _insertAudit;

        public AuditTail Chain => chain;

        public CastellanDb Db => db;

        public void Dispose()
        {
            _insertCertificate?.Dispose();
            _completeCertificate?.Dispose();
            _insertAudit?.Dispose();
        }

        // Plain prepared commands, not EF change tracking: the writer is the one serial section of issuance, so the
        // less CPU each write costs inside it, the more certificates one fsync covers.
        public Task<int> InsertCertificateAsync(CertificateRow r) => ExecuteAsync(ref _insertCertificate, sql.InsertCertificate,
            r.Serial, r.CaId, r.ProfileId, r.SubjectDn, r.Sans, r.NotBefore, r.NotAfter, r.Status, r.RecordedAt, r.RequestedBy, r.TbsHash, r.Der,
            r.RevokedAt, r.RevocationReason, r.KeyAlgorithm);

        public Task<int> CompleteCertificateAsync(string serial, byte[] der, int reserved, int valid) =>
            ExecuteAsync(ref _completeCertificate, sql.CompleteCertificate, der, valid, serial, reserved);

        public Task InsertAuditAsync(long sequence, long at, AuditEvent e, string previous, string hash) => ExecuteAsync(ref _insertAudit, sql.InsertAudit,
            sequence, at, e.Actor, e.Action, e.Target, e.DetailsJson, e.SourceAddress, previous, hash);

        private Task<int> ExecuteAsync(ref DbCommand? command, string text, params object?[] values)
        {
            if (command is null)
            {
                command = db.Database.GetDbConnection().CreateCommand();
                command.Transaction = transaction;
                command.CommandText = text;
                for (var i = 0; i < values.Length; i++)
                {
                    var p = command.CreateParameter();
                    p.ParameterName = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    command.Parameters.Add(p);
                }
            }
            for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
            return command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The three statements, with table and column names taken from the EF model, so they follow the schema.</summary>
    private sealed record BatchSql(string InsertCertificate, string CompleteCertificate, string InsertAudit)
    {
        public static BatchSql From(CastellanDb db)
        {
            var certificates = db.Model.FindEntityType(typeof(CertificateRow))!;
            var audit = db.Model.FindEntityType(typeof(AuditRow))!;
            return new BatchSql(
                Insert(certificates, nameof(CertificateRow.Serial), nameof(CertificateRow.CaId), nameof(CertificateRow.ProfileId), nameof(CertificateRow.SubjectDn),
                    nameof(CertificateRow.Sans), nameof(CertificateRow.NotBefore), nameof(CertificateRow.NotAfter), nameof(CertificateRow.Status),
                    nameof(CertificateRow.RecordedAt), nameof(CertificateRow.RequestedBy), nameof(CertificateRow.TbsHash), nameof(CertificateRow.Der),
                    nameof(CertificateRow.RevokedAt), nameof(CertificateRow.RevocationReason), nameof(CertificateRow.KeyAlgorithm)),
                $"UPDATE {Table(certificates)} SET {Column(certificates, nameof(CertificateRow.Der))} = @p0, {Column(certificates, nameof(CertificateRow.Status))} = @p1 " +
                $"WHERE {Column(certificates, nameof(CertificateRow.Serial))} = @p2 AND {Column(certificates, nameof(CertificateRow.Status))} = @p3",
                Insert(audit, nameof(AuditRow.Sequence), nameof(AuditRow.At), nameof(AuditRow.Actor), nameof(AuditRow.Action), nameof(AuditRow.Target),
                    nameof(AuditRow.DetailsJson), nameof(AuditRow.SourceAddress), nameof(AuditRow.PreviousHash), nameof(AuditRow.Hash)));
        }

        private static string Insert(IEntityType e, params string[] properties) =>
            $"INSERT INTO {Table(e)} ({string.Join(", ", properties.Select(p => Column(e, p)))}) " +
            $"VALUES ({string.Join(", ", properties.Select((_, i) => "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)))})";

        private static string Table(IEntityType e) => e.GetSchema() is { } schema ? $"\"{schema}\".\"{e.GetTableName()}\"" : $"\"{e.GetTableName()}\"";

        private static string Column(IEntityType e, string property) =>
            $"\"{e.FindProperty(property)!.GetColumnName(StoreObjectIdentifier.Table(e.GetTableName()!, e.GetSchema()))}\"";
    }

    private abstract class Write
    {
        public abstract Task ApplyAsync(Batch batch);
        public abstract void Succeed();
        public abstract void Fail(Exception e);
    }

    private abstract class Write<T> : Write
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        protected T Result { get; set; } = default!;
        public Task<T> Task => _done.Task;
        public override void Succeed() => _done.TrySetResult(Result);
        public override void Fail(Exception e) => _done.TrySetException(e);
    }

    private sealed class Reserve(CertificateRow row) : Write<bool>
    {
        public override async Task ApplyAsync(Batch batch)
        {
            await batch.InsertCertificateAsync(row);
            Result = true;
        }

        // Alone, a duplicate serial is an answer (false: draw another), not a failure.
        public override void Fail(Exception e)
        {
            if (IsUniqueViolation(e))
            {
                Result = false;
                Succeed();
            }
            else
            {
                base.Fail(e);
            }
        }

        private static bool IsUniqueViolation(Exception e) => e switch
        {
            DbUpdateException u => UniqueViolation.Is(u),
            Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode == 19,
            Npgsql.PostgresException p => p.SqlState == "23505",
            _ => false,
        };
    }

    private sealed class Complete(string serial, byte[] der, int reserved, int valid, AuditEvent? audit) : Write<AuditEntry?>
    {
        public override async Task ApplyAsync(Batch batch)
        {
            var rows = await batch.CompleteCertificateAsync(serial, der, reserved, valid);
            if (rows != 1) throw new InvalidOperationException($"reservation {serial} was not open when its certificate was stored");
            Result = audit is null ? null : await batch.Chain.NextAsync(audit, batch.InsertAuditAsync);
        }
    }

    private sealed class Run<T>(Func<CastellanDb, Task<T>> apply) : Write<T>
    {
        public override async Task ApplyAsync(Batch batch) => Result = await apply(batch.Db);
    }

    private sealed class Append(AuditEvent e) : Write<AuditEntry>
    {
        public override async Task ApplyAsync(Batch batch) => Result = await batch.Chain.NextAsync(e, batch.InsertAuditAsync);
    }
}
