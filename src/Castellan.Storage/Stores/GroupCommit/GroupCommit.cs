using System.Threading.Channels;
using Castellan.Auditing;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;
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
internal sealed partial class GroupCommit : IDisposable
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
}
