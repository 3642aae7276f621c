using System.Threading.Channels;
using Castellan.Auditing;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

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

    public GroupCommit(IDbContextFactory<CastellanDb> factory, TimeProvider clock)
    {
        _factory = factory;
        _clock = clock;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Inserts a certificate row (a reservation); false when its serial already exists.</summary>
    public Task<bool> ReserveAsync(CertificateRow row) => Enqueue(new Reserve(row));

    /// <summary>Stores the signed certificate of an open reservation and marks it valid.</summary>
    public Task<bool> CompleteAsync(string serial, byte[] der, int reservedStatus, int validStatus) =>
        Enqueue(new Complete(serial, der, reservedStatus, validStatus));

    /// <summary>Appends to the hash-chained audit log; entries of one batch chain to each other in queue order.</summary>
    public Task<AuditEntry> AppendAsync(AuditEvent e) => Enqueue(new Append(e));

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
        var chain = new AuditTail(db, _clock);
        foreach (var w in batch) await w.ApplyAsync(db, chain);
        await db.SaveChangesAsync();
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

        public async Task<AuditEntry> NextAsync(AuditEvent e)
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
            db.Audit.Add(new AuditRow
            {
                Sequence = sequence, At = Time.Ms(at), Actor = e.Actor, Action = e.Action, Target = e.Target, DetailsJson = e.DetailsJson,
                SourceAddress = e.SourceAddress, PreviousHash = _hash, Hash = hash,
            });
            var entry = new AuditEntry(sequence, at, e.Actor, e.Action, e.Target, e.DetailsJson, e.SourceAddress, _hash, hash);
            _sequence = sequence;
            _hash = hash;
            return entry;
        }
    }

    private abstract class Write
    {
        public abstract Task ApplyAsync(CastellanDb db, AuditTail chain);
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
        public override Task ApplyAsync(CastellanDb db, AuditTail chain)
        {
            db.Certificates.Add(row);
            Result = true;
            return System.Threading.Tasks.Task.CompletedTask;
        }

        // Alone, a duplicate serial is an answer (false: draw another), not a failure.
        public override void Fail(Exception e)
        {
            if (e is DbUpdateException u && UniqueViolation.Is(u))
            {
                Result = false;
                Succeed();
            }
            else
            {
                base.Fail(e);
            }
        }
    }

    private sealed class Complete(string serial, byte[] der, int reserved, int valid) : Write<bool>
    {
        public override async Task ApplyAsync(CastellanDb db, AuditTail chain)
        {
            var rows = await db.Certificates.Where(c => c.Serial == serial && c.Status == reserved)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.Der, der).SetProperty(c => c.Status, valid));
            if (rows != 1) throw new InvalidOperationException($"reservation {serial} was not open when its certificate was stored");
            Result = true;
        }
    }

    private sealed class Append(AuditEvent e) : Write<AuditEntry>
    {
        public override async Task ApplyAsync(CastellanDb db, AuditTail chain) => Result = await chain.NextAsync(e);
    }
}
