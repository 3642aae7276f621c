using System.Data.Common;
using System.Security.Cryptography;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.IntegrationTests.Support;
using Castellan.Storage;
using Castellan.Storage.Entities;
using Castellan.Storage.Postgres;
using Castellan.Storage.Sqlite;
using Castellan.Storage.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Castellan.IntegrationTests.Storage;

/// <summary>
/// The group-commit writer replays a failed batch one write at a time. That is only safe when nothing of the batch
/// was committed: a batch whose COMMIT went through and which failed afterwards (or whose COMMIT failed without
/// saying whether it took effect) must never be written again, or its audit entries are appended twice and its
/// completions are refused as "not open". The fault is injected with an EF Core transaction interceptor on a real
/// database, after the real COMMIT.
/// </summary>
public abstract class GroupCommitFaultTests
{
    protected abstract Task<DbContextOptionsBuilder> OptionsAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_COMMIT_that_fails_with_an_unknown_outcome_leaves_each_write_stored_once_and_every_caller_answered(bool committedBeforeFailing)
    {
        var fault = new CommitFault(committedBeforeFailing);
        await using var setup = await OpenAsync(fault);
        var writes = setup.Writes;

        // Before the fault is armed: one open reservation, to be completed inside the faulty batch.
        var open = Row();
        Assert.True(await writes.ReserveAsync(open));
        fault.Arm();

        // The first armed commit holds the writer, so everything queued meanwhile forms the next batch, whose COMMIT
        // reports an I/O failure: after it took effect, or before it was sent. The writer must find out which: replaying
        // a committed batch appends its audit entries twice and refuses its completions; dropping a rolled-back one
        // loses writes.
        var first = writes.AppendAsync(Event("first"));
        await fault.FirstCommitEntered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var reserved = Row();
        var reserve = writes.ReserveAsync(reserved);
        var complete = writes.CompleteAsync(open.Serial, [0x30, 0x03, 0x02, 0x01, 0x07], (int)CertificateStatus.Reserved, (int)CertificateStatus.Valid,
            Event("certificate.issued", $"certificate:{open.Serial}"), reproducible: false);
        var appends = Enumerable.Range(0, 4).Select(i => writes.AppendAsync(Event($"batch.{i}"))).ToList();
        // PostgreSQL commits reservations in a writer of their own, beside the held one: let it finish first, so the
        // faulty commit is the batch of completion and audit entries. On SQLite the reservation is in that batch.
        if (setup.Postgres) Assert.True(await reserve.WaitAsync(TimeSpan.FromSeconds(30)));
        fault.ReleaseFirstCommit();

        await first.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(await reserve.WaitAsync(TimeSpan.FromSeconds(30)), "a committed reservation was answered as a duplicate serial");
        Assert.NotNull(await complete.WaitAsync(TimeSpan.FromSeconds(30)));
        await Task.WhenAll(appends).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, fault.Failures);

        await using var db = await setup.Factory.CreateDbContextAsync();
        var actions = await db.Audit.AsNoTracking().Select(a => a.Action).ToListAsync();
        foreach (var action in new[] { "first", "certificate.issued", "batch.0", "batch.1", "batch.2", "batch.3" })
            Assert.Equal(1, actions.Count(a => a == action));
        var rows = await db.Certificates.AsNoTracking().Where(c => c.Serial == open.Serial || c.Serial == reserved.Serial).ToDictionaryAsync(c => c.Serial);
        Assert.Equal((int)CertificateStatus.Valid, rows[open.Serial].Status);
        Assert.Equal((int)CertificateStatus.Reserved, rows[reserved.Serial].Status);
        var log = new AuditLog(setup.Factory, writes);
        Assert.Null(await AuditChain.VerifyAsync(log.ReadAllAsync(CancellationToken.None), CancellationToken.None));
    }

    private async Task<Setup> OpenAsync(CommitFault fault)
    {
        var builder = await OptionsAsync();
        builder.AddInterceptors(fault);
        var factory = builder switch
        {
            DbContextOptionsBuilder<SqliteCastellanDb> s => (IDbContextFactory<CastellanDb>)new ProviderDbFactory<SqliteCastellanDb>(new PooledDbContextFactory<SqliteCastellanDb>(s.Options)),
            DbContextOptionsBuilder<PostgresCastellanDb> p => new ProviderDbFactory<PostgresCastellanDb>(new PooledDbContextFactory<PostgresCastellanDb>(p.Options)),
            _ => throw new InvalidOperationException("unknown provider"),
        };
        bool postgres;
        await using (var db = await factory.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
            postgres = db.Database.IsNpgsql();
        }
        return new Setup(factory, new GroupCommit(factory, TimeProvider.System), postgres);
    }

    private sealed record Setup(IDbContextFactory<CastellanDb> Factory, GroupCommit Writes, bool Postgres) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            Writes.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private static AuditEvent Event(string action, string target = "test") => new("test", action, target, "{}");

    private static CertificateRow Row() => new()
    {
        Serial = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), CaId = "group-commit-fault", ProfileId = "tls-server",
        SubjectDn = "CN=fault.castellan-tests.com", Sans = "dns:fault.castellan-tests.com", NotBefore = 0, NotAfter = 1,
        Status = (int)CertificateStatus.Reserved, RecordedAt = 0, RequestedBy = "test", TbsHash = RandomNumberGenerator.GetBytes(32),
    };

    /// <summary>Once armed: holds the first COMMIT until released, then makes the second one throw, after the real
    /// COMMIT or instead of it.</summary>
    private sealed class CommitFault(bool afterCommit) : DbTransactionInterceptor
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;
        private int _commits;
        private int _failures;
        private int _released;

        public TaskCompletionSource FirstCommitEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Failures => Volatile.Read(ref _failures);

        public void Arm() => Volatile.Write(ref _armed, 1);

        public void ReleaseFirstCommit()
        {
            Volatile.Write(ref _released, 1);
            _release.TrySetResult();
        }

        public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default)
        {
            if (!afterCommit) await OnCommitAsync();
            return result;
        }

        public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (afterCommit) await OnCommitAsync();
        }

        private async Task OnCommitAsync()
        {
            if (Volatile.Read(ref _armed) == 0) return;
            if (Interlocked.CompareExchange(ref _commits, 1, 0) == 0)
            {
                FirstCommitEntered.TrySetResult();
                await _release.Task;
                return;
            }
            // The first commit after the release is the batch queued behind the held one; only that one fails.
            if (Volatile.Read(ref _released) == 1 && Interlocked.CompareExchange(ref _failures, 1, 0) == 0)
                throw new IOException($"connection reset {(afterCommit ? "after" : "before")} COMMIT (injected by the test)");
        }
    }
}

public sealed class GroupCommitFaultOnSqlite : GroupCommitFaultTests
{
    protected override Task<DbContextOptionsBuilder> OptionsAsync() =>
        Task.FromResult<DbContextOptionsBuilder>(new DbContextOptionsBuilder<SqliteCastellanDb>()
            .UseSqlite($"Data Source={Path.Combine(TestPaths.NewDirectory("group-commit-fault"), "castellan.db")};Pooling=True")
            .AddInterceptors(new SqlitePragmas()));
}

public sealed class GroupCommitFaultOnPostgres : GroupCommitFaultTests
{
    protected override async Task<DbContextOptionsBuilder> OptionsAsync() =>
        new DbContextOptionsBuilder<PostgresCastellanDb>().UseNpgsql(await TestDatabases.CreateAsync());
}
