using System.Runtime.CompilerServices;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Issuance;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores;

internal sealed class CertificateStore(IDbContextFactory<CastellanDb> factory, GroupCommit writes, TimeProvider clock) : ICertificateStore, IAuditedCompletion
{
    private const int Reserved = (int)CertificateStatus.Reserved;
    private const int Valid = (int)CertificateStatus.Valid;
    private const int Revoked = (int)CertificateStatus.Revoked;
    private const int OnHold = (int)CertificateStatus.OnHold;

    // Reservations and completions go through group commit: one transaction (one fsync) for everything queued meanwhile.
    public Task<bool> ReserveAsync(IssuedCertificate r, CancellationToken ct) => writes.ReserveAsync(ToRow(r));

    public async Task CompleteAsync(SerialNumber serial, byte[] der, CancellationToken ct) =>
        await writes.CompleteAsync(serial.Hex, der, Reserved, Valid, null, reproducible: false);

    public async Task<AuditEntry> CompleteAsync(SerialNumber serial, byte[] der, AuditEvent issued, bool reproducible, CancellationToken ct) =>
        (await writes.CompleteAsync(serial.Hex, der, Reserved, Valid, issued, reproducible))!;

    public async Task AbandonAsync(SerialNumber serial, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var s = serial.Hex;
        await db.Certificates.Where(c => c.Serial == s && c.Status == Reserved)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, (int)CertificateStatus.Abandoned), ct);
    }

    public async Task<IReadOnlyList<IssuedCertificate>> OpenReservationsAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var cutoff = Time.Ms(before);
        var rows = await db.Certificates.AsNoTracking().Where(c => c.Status == Reserved && c.RecordedAt < cutoff).OrderBy(c => c.RecordedAt).ToListAsync(ct);
        return rows.Select(FromRow).ToList();
    }

    public async Task<int> AbandonStaleReservationsAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var cutoff = Time.Ms(before);
        return await db.Certificates.Where(c => c.Status == Reserved && c.RecordedAt < cutoff)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, (int)CertificateStatus.Abandoned), ct);
    }

    public async Task<IssuedCertificate?> GetAsync(SerialNumber serial, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var s = serial.Hex;
        var row = await db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.Serial == s, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<Page<IssuedCertificate>> SearchAsync(CertificateQuery q, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        IQueryable<CertificateRow> query = db.Certificates.AsNoTracking().Where(c => c.Status != Reserved && c.Status != (int)CertificateStatus.Abandoned);
        if (q.Serial is { Length: > 0 } serial) query = query.Where(c => c.Serial.StartsWith(serial));
        if (q.Subject is { Length: > 0 } subject) query = query.Where(c => c.SubjectDn.Contains(subject));
        if (q.San is { Length: > 0 } san) query = query.Where(c => c.Sans.Contains(san));
        if (q.Status is { } status) query = query.Where(c => c.Status == (int)status);
        if (q.CaId is { Length: > 0 } ca) query = query.Where(c => c.CaId == ca);
        if (q.ExpiresAfter is { } after) { var a = Time.Ms(after); query = query.Where(c => c.NotAfter >= a); }
        if (q.ExpiresBefore is { } before) { var b = Time.Ms(before); query = query.Where(c => c.NotAfter <= b); }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(c => c.RecordedAt).ThenBy(c => c.Serial).Skip(q.Skip).Take(q.Take).ToListAsync(ct);
        return new Page<IssuedCertificate>(rows.Select(FromRow).ToList(), total, q.Skip, q.Take);
    }

    public async Task<RevocationOutcome> RevokeAsync(SerialNumber serial, RevocationReason reason, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var s = serial.Hex;
        var hold = reason == RevocationReason.CertificateHold;
        var newStatus = hold ? OnHold : Revoked;
        var atMs = Time.Ms(at);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await ChangeLog.LockAsync(db, ct);
            // One conditional UPDATE: two concurrent revocations cannot both succeed, and a hold can be made permanent.
            var rows = await db.Certificates
                .Where(c => c.Serial == s && (c.Status == Valid || (!hold && c.Status == OnHold)))
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, newStatus).SetProperty(c => c.RevokedAt, atMs).SetProperty(c => c.RevocationReason, (int)reason), ct);
            if (rows == 1)
            {
                // Other nodes drop their cached OCSP answers when they read this entry.
                await RecordChangeAsync(db, s, ct);
                await tx.CommitAsync(ct);
                return RevocationOutcome.Revoked;
            }
        }
        var current = await db.Certificates.AsNoTracking().Where(c => c.Serial == s).Select(c => (int?)c.Status).FirstOrDefaultAsync(ct);
        return current is Revoked or OnHold ? RevocationOutcome.AlreadyRevoked : RevocationOutcome.NotFound;
    }

    public async Task<RevocationOutcome> ReleaseHoldAsync(SerialNumber serial, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var s = serial.Hex;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await ChangeLog.LockAsync(db, ct);
            var rows = await db.Certificates.Where(c => c.Serial == s && c.Status == OnHold)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, Valid).SetProperty(c => c.RevokedAt, (long?)null).SetProperty(c => c.RevocationReason, (int?)null), ct);
            if (rows == 1)
            {
                await RecordChangeAsync(db, s, ct);
                await tx.CommitAsync(ct);
                return RevocationOutcome.Released;
            }
        }
        var exists = await db.Certificates.AnyAsync(c => c.Serial == s && c.Status != Reserved && c.Status != (int)CertificateStatus.Abandoned, ct);
        return exists ? RevocationOutcome.NotOnHold : RevocationOutcome.NotFound;
    }

    public async Task<IReadOnlyList<RevokedEntry>> ListRevokedAsync(string caId, DateTimeOffset notExpiredAt, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = Time.Ms(notExpiredAt);
        var rows = await db.Certificates.AsNoTracking()
            .Where(c => c.CaId == caId && (c.Status == Revoked || c.Status == OnHold) && c.NotAfter >= now)
            .Select(c => new { c.Serial, c.RevokedAt, c.RevocationReason })
            .ToListAsync(ct);
        var list = new List<RevokedEntry>(rows.Count);
        foreach (var r in rows)
        {
            list.Add(new RevokedEntry(SerialNumber.Parse(r.Serial), Time.At(r.RevokedAt ?? 0), (RevocationReason)(r.RevocationReason ?? 0)));
        }
        return list;
    }

    public async IAsyncEnumerable<IssuedCertificate> ListForStatusAsync(string caId, DateTimeOffset notExpiredAt, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var now = Time.Ms(notExpiredAt);
        var rows = db.Certificates.AsNoTracking()
            .Where(c => c.CaId == caId && (c.Status == Valid || c.Status == Revoked || c.Status == OnHold) && c.NotAfter >= now)
            .AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(ct))
        {
            row.Der = null;
            yield return FromRow(row);
        }
    }

    private async Task RecordChangeAsync(CastellanDb db, string serial, CancellationToken ct)
    {
        var caId = await db.Certificates.Where(c => c.Serial == serial).Select(c => c.CaId).FirstAsync(ct);
        ChangeLog.Add(db, ChangeKind.CertificateStatus, caId, serial, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
    }

    private static CertificateRow ToRow(IssuedCertificate c) => new()
    {
        Serial = c.Serial.Hex,
        CaId = c.CaId,
        ProfileId = c.ProfileId,
        SubjectDn = c.SubjectDn,
        Sans = string.Join('\n', c.Sans),
        NotBefore = Time.Ms(c.NotBefore),
        NotAfter = Time.Ms(c.NotAfter),
        Status = (int)c.Status,
        RecordedAt = Time.Ms(c.RecordedAt),
        RequestedBy = c.RequestedBy,
        TbsHash = c.TbsHash,
        Tbs = c.Tbs,
        Der = c.Der,
        RevokedAt = c.RevokedAt is { } r ? Time.Ms(r) : null,
        RevocationReason = (int?)c.RevocationReason,
        KeyAlgorithm = c.KeyAlgorithm,
    };

    internal static IssuedCertificate FromRow(CertificateRow r)
    {
        return new IssuedCertificate
        {
            Serial = SerialNumber.Parse(r.Serial),
            CaId = r.CaId,
            ProfileId = r.ProfileId,
            SubjectDn = r.SubjectDn,
            Sans = r.Sans.Length == 0 ? [] : r.Sans.Split('\n'),
            NotBefore = Time.At(r.NotBefore),
            NotAfter = Time.At(r.NotAfter),
            Status = (CertificateStatus)r.Status,
            RecordedAt = Time.At(r.RecordedAt),
            RequestedBy = r.RequestedBy,
            TbsHash = r.TbsHash,
            Tbs = r.Tbs,
            Der = r.Der,
            RevokedAt = Time.At(r.RevokedAt),
            RevocationReason = (RevocationReason?)r.RevocationReason,
            KeyAlgorithm = r.KeyAlgorithm,
        };
    }
}
