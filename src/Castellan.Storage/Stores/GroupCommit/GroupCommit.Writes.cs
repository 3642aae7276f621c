using Castellan.Auditing;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores;

/// <summary>The writes callers queue: reservations, completions, audit appends and other stores' writes.</summary>
internal sealed partial class GroupCommit
{
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
