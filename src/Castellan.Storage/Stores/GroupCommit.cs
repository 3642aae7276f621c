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
/// <para>One exception to "durable when it returns": a completion marked reproducible (its certificate is the
/// deterministic signature of a TBS whose reservation already committed durably) commits without waiting for the
/// flush to disk, in a transaction of its own ahead of the batch's durable writes. It is visible to every reader at
/// once and survives a crash of this process (SQLite: written to the WAL; PostgreSQL: in the server's WAL buffers);
/// the next durable commit flushes it with everything before it. Only a power loss or an OS crash can drop it, and
/// then <c>InterruptedIssuance</c> re-signs the recorded TBS at the next start into the identical certificate.</para>
/// </summary>
internal sealed class GroupCommit : IDisposable
{
    /// <summary>Bounds a transaction's size; a batch this big already spreads one fsync over hundreds of writes.</summary>
    private const int MaxBatch = 512;

    private readonly IDbContextFactory<CastellanDb> _factory;
    private readonly TimeProvider _clock;
    private readonly Channel<Write> _queue = NewQueue();
    private readonly Task _writer;

    /// <summary>PostgreSQL only: reservations have a writer of their own. They take no audit lock, so their commit runs
    /// beside the completions' commit (PostgreSQL flushes concurrent commits together) instead of queueing behind it,
    /// and a certificate no longer waits for a completion batch before its reservation. SQLite has one write lock, so
    /// a second writer there would only wait for it.</summary>
    private readonly Channel<Write>? _reservations;
    private readonly Task? _reservationWriter;
    private BatchSql? _sql;

    public GroupCommit(IDbContextFactory<CastellanDb> factory, TimeProvider clock)
    {
        _factory = factory;
        _clock = clock;
        _writer = Task.Run(() => WriteLoopAsync(_queue));
        using var db = factory.CreateDbContext();
        if (db.Database.IsNpgsql())
        {
            _reservations = NewQueue();
            _reservationWriter = Task.Run(() => WriteLoopAsync(_reservations));
        }
    }

    private static Channel<Write> NewQueue() => Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Inserts a certificate row (a reservation); false when its serial already exists.</summary>
    public Task<bool> ReserveAsync(CertificateRow row) => Enqueue(new Reserve(row));

    /// <summary>Stores the signed certificate of an open reservation and marks it valid; with <paramref name="audit"/>,
    /// appends that entry in the same transaction, so neither is written without the other.
    /// <paramref name="reproducible"/>: the certificate can be re-made bit for bit from its durably reserved TBS, so
    /// the commit need not wait for the flush to disk (see the class remarks).</summary>
    public Task<AuditEntry?> CompleteAsync(string serial, byte[] der, int reservedStatus, int validStatus, AuditEvent? audit, bool reproducible) =>
        Enqueue(new Complete(serial, der, reservedStatus, validStatus, audit, reproducible));

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
        var queue = write is Reserve && _reservations is { } reservations ? reservations : _queue;
        ObjectDisposedException.ThrowIf(!queue.Writer.TryWrite(write), this);
        return write.Task;
    }

    private async Task WriteLoopAsync(Channel<Write> queue)
    {
        var batch = new List<Write>(MaxBatch);
        var unflushed = new List<Write>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            unflushed.Clear();
            while (batch.Count + unflushed.Count < MaxBatch && queue.Reader.TryRead(out var w)) (w.NeedsNoFlush ? unflushed : batch).Add(w);
            // Completions first: their callers are waiting to answer, and their commit costs no flush.
            if (unflushed.Count > 0) await CommitBatchAsync(unflushed, flush: false);
            if (batch.Count > 0) await CommitBatchAsync(batch, flush: true);
        }
    }

    private async Task CommitBatchAsync(List<Write> batch, bool flush)
    {
        try
        {
            await CommitAsync(batch, flush);
            foreach (var w in batch) w.Succeed();
        }
        catch (CommitOutcomeException e) when (e.Committed)
        {
            // The commit went through and something failed afterwards (releasing the transaction or connection):
            // every write is durable, so every caller succeeds. Replaying here would append audit entries twice.
            foreach (var w in batch) w.Succeed();
        }
        catch (CommitOutcomeException e)
        {
            // COMMIT itself failed without saying whether it took effect (a lost connection, a timeout): the writes
            // may be durable, so they must not be written again. Each caller fails; a reservation left behind is
            // completed or abandoned at the next start, a completion that did commit is stored and audited exactly once.
            foreach (var w in batch) w.Fail(e.InnerException!);
        }
        catch (Exception) when (batch.Count > 1)
        {
            // A write failed before COMMIT (a serial collision, a completion whose reservation is gone), so the
            // transaction was rolled back and nothing of it is durable. Replay each write alone so only the
            // faulty one fails.
            foreach (var w in batch) await CommitAloneAsync(w, flush);
        }
        catch (Exception e)
        {
            batch[0].Fail(e is CommitOutcomeException { InnerException: { } inner } ? inner : e);
        }
    }

    private async Task CommitAloneAsync(Write w, bool flush)
    {
        try
        {
            await CommitAsync([w], flush);
            w.Succeed();
        }
        catch (CommitOutcomeException e) when (e.Committed)
        {
            w.Succeed();
        }
        catch (CommitOutcomeException e)
        {
            w.Fail(e.InnerException!);
        }
        catch (Exception e)
        {
            w.Fail(e);
        }
    }

    private async Task CommitAsync(List<Write> batch, bool flush)
    {
        var stage = Stage.Writing;
        try
        {
            await using var db = await _factory.CreateDbContextAsync();
            await using var unflushed = flush ? null : await UnflushedCommit.PrepareAsync(db);
            await using var tx = await db.Database.BeginTransactionAsync();
            var sql = _sql ??= BatchSql.From(db);
            using var statements = new Batch(db, tx.GetDbTransaction(), sql, new AuditTail(db, tx.GetDbTransaction(), sql, _clock));
            if (!flush && db.Database.IsNpgsql()) statements.Stage(UnflushedCommit.PostgresStatement, []);
            foreach (var w in batch) await w.StageAsync(statements);
            await statements.ExecuteAsync();
            foreach (var w in batch) w.Check();
            stage = Stage.Committing;
            await tx.CommitAsync();
            stage = Stage.Committed;
        }
        catch (Exception e) when (stage == Stage.Committed)
        {
            throw new CommitOutcomeException(true, e);
        }
        catch (Exception e) when (stage == Stage.Committing && !RolledBack(e))
        {
            // COMMIT failed without saying whether it took effect. A transaction is all or nothing, so one of its
            // writes, looked up afresh, tells: found, the batch is durable; missing, it was rolled back and may be replayed.
            bool durable;
            try
            {
                // Any write that can be looked up will do; a batch of other stores' writes alone stays unknown.
                var witness = batch.FirstOrDefault(w => w.CanProve(_sql!)) ?? throw new InvalidOperationException("no write of the batch can be looked up");
                durable = await witness.IsDurableAsync(_factory, _sql!);
            }
            catch (Exception)
            {
                throw new CommitOutcomeException(false, e);
            }
            if (durable) throw new CommitOutcomeException(true, e);
            throw;
        }
    }

    /// <summary>An error the database itself reported for COMMIT (a constraint checked at commit, SQLITE_BUSY) means
    /// the transaction did not commit; anything else at that step (I/O, a timeout, an interceptor) leaves the outcome unknown.</summary>
    private static bool RolledBack(Exception e) => e is Npgsql.PostgresException or Microsoft.Data.Sqlite.SqliteException;

    private enum Stage { Writing, Committing, Committed }

    /// <summary>A batch whose failure came at or after COMMIT: <see cref="Committed"/> says the commit went through.</summary>
    private sealed class CommitOutcomeException(bool committed, Exception inner)
        : Exception(committed ? "the batch committed, then failed" : "COMMIT failed with an unknown outcome", inner)
    {
        public bool Committed { get; } = committed;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _reservations?.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(10));
        _reservationWriter?.Wait(TimeSpan.FromSeconds(10));
    }

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

    private abstract class Write
    {
        /// <summary>True for a write whose commit need not wait for the flush to disk (a reproducible completion).</summary>
        public virtual bool NeedsNoFlush => false;

        /// <summary>Adds this write's statements to the batch; nothing runs until the batch executes them together.</summary>
        public abstract Task StageAsync(Batch batch);

        /// <summary>After the statements ran, before COMMIT: throws when this write did not do what it must.</summary>
        public virtual void Check()
        {
        }

        /// <summary>Whether this write, as staged, is in the database: asked on a new connection after a COMMIT
        /// whose outcome is unknown.</summary>
        public async Task<bool> IsDurableAsync(IDbContextFactory<CastellanDb> factory, BatchSql sql)
        {
            var (text, values) = Evidence(sql) ?? throw new InvalidOperationException("this write cannot be looked up");
            await using var db = await factory.CreateDbContextAsync();
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = text;
            for (var i = 0; i < values.Length; i++)
            {
                var p = command.CreateParameter();
                p.ParameterName = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                p.Value = values[i];
                command.Parameters.Add(p);
            }
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        }

        /// <summary>A query that counts this write's row as staged (its audit entry by sequence and hash, a certificate
        /// row by serial and contents).</summary>
        protected abstract (string Text, object[] Values)? Evidence(BatchSql sql);

        public bool CanProve(BatchSql sql) => Evidence(sql) is not null;

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

    private sealed class Reserve(CertificateRow r) : Write<bool>
    {
        public override Task StageAsync(Batch batch)
        {
            batch.Stage(batch.Sql.InsertCertificate, [r.Serial, r.CaId, r.ProfileId, r.SubjectDn, r.Sans, r.NotBefore, r.NotAfter, r.Status, r.RecordedAt,
                r.RequestedBy, r.TbsHash, r.Tbs, r.Der, r.RevokedAt, r.RevocationReason, r.KeyAlgorithm]);
            Result = true;
            return System.Threading.Tasks.Task.CompletedTask;
        }

        protected override (string Text, object[] Values)? Evidence(BatchSql sql) => (sql.ReservationExists, [r.Serial, r.TbsHash]);

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

    private sealed class Complete(string serial, byte[] der, int reserved, int valid, AuditEvent? audit, bool reproducible) : Write<AuditEntry?>
    {
        private int _rows = -1;

        public override bool NeedsNoFlush => reproducible;

        public override async Task StageAsync(Batch batch)
        {
            batch.Stage(batch.Sql.CompleteCertificate, [der, valid, serial, reserved], rows => _rows = rows);
            Result = audit is null ? null : await batch.Chain.NextAsync(audit, batch);
        }

        public override void Check()
        {
            if (_rows != 1) throw new InvalidOperationException($"reservation {serial} was not open when its certificate was stored");
        }

        protected override (string Text, object[] Values)? Evidence(BatchSql sql) =>
            Result is { } entry ? (sql.AuditExists, [entry.Sequence, entry.Hash]) : (sql.CompletionExists, [serial, der]);
    }

    private sealed class Run<T>(Func<CastellanDb, Task<T>> apply) : Write<T>
    {
        // Runs at once on the batch's connection and transaction, before the staged statements: another store's rows,
        // independent of the certificate and audit statements staged beside it.
        public override async Task StageAsync(Batch batch) => Result = await apply(batch.Db);

        // The writer cannot tell from here which rows another store wrote, so it cannot prove this write durable.
        protected override (string Text, object[] Values)? Evidence(BatchSql sql) => null;
    }

    private sealed class Append(AuditEvent e) : Write<AuditEntry>
    {
        public override async Task StageAsync(Batch batch) => Result = await batch.Chain.NextAsync(e, batch);

        protected override (string Text, object[] Values)? Evidence(BatchSql sql) => (sql.AuditExists, [Result.Sequence, Result.Hash]);
    }
}
