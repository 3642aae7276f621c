using System.Data.Common;
using Castellan.Authority.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores;

internal sealed class CaStore(IDbContextFactory<CastellanDb> factory, TimeProvider clock) : ICaStore
{
    public async Task<IReadOnlyList<CertificateAuthorityRecord>> ListAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Cas.AsNoTracking().OrderBy(c => c.CreatedAt).ToListAsync(ct);
        return rows.Select(FromRow).ToList();
    }

    public async Task<CertificateAuthorityRecord?> GetAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Cas.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<bool> AddAsync(CertificateAuthorityRecord ca, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ChangeLog.LockAsync(db, ct);
        db.Cas.Add(ToRow(ca, new CaRow()));
        ChangeLog.Add(db, ChangeKind.CertificateAuthority, ca.Id, null, clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            return false;
        }
    }

    public async Task UpdateAsync(CertificateAuthorityRecord ca, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ChangeLog.LockAsync(db, ct);
        var row = await db.Cas.FirstOrDefaultAsync(c => c.Id == ca.Id, ct) ?? throw new InvalidOperationException($"CA '{ca.Id}' vanished");
        ToRow(ca, row);
        // Other nodes reload their CA directory when they read this entry.
        ChangeLog.Add(db, ChangeKind.CertificateAuthority, ca.Id, null, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task<long> NextCrlNumberAsync(string caId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        // Opened through EF so SqlitePragmas configures the connection if the pool makes a new one.
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        await using DbCommand command = connection.CreateCommand();
        // One statement: concurrent publishers on several nodes still get distinct, increasing numbers.
        command.CommandText = "UPDATE cas SET \"CrlNumber\" = \"CrlNumber\" + 1 WHERE \"Id\" = @id RETURNING \"CrlNumber\"";
        var p = command.CreateParameter();
        p.ParameterName = "@id";
        p.Value = caId;
        command.Parameters.Add(p);
        var result = await command.ExecuteScalarAsync(ct);
        return result is null or DBNull ? throw new InvalidOperationException($"CA '{caId}' does not exist") : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task SaveCrlAsync(PublishedCrl crl, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Crls.Add(new CrlRow
        {
            CaId = crl.CaId, Shard = crl.Shard, Number = crl.Number, ThisUpdate = Time.Ms(crl.ThisUpdate), NextUpdate = Time.Ms(crl.NextUpdate),
            EntryCount = crl.EntryCount, Der = crl.Der,
        });
        await db.SaveChangesAsync(ct);
        // Keep the last few CRLs per CA for inspection; older ones are superseded by number.
        var keepFrom = crl.Number - 10;
        await db.Crls.Where(c => c.CaId == crl.CaId && c.Shard == crl.Shard && c.Number < keepFrom).ExecuteDeleteAsync(ct);
    }

    public async Task<PublishedCrl?> GetLatestCrlAsync(string caId, int shard, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Crls.AsNoTracking().Where(c => c.CaId == caId && c.Shard == shard).OrderByDescending(c => c.Number).FirstOrDefaultAsync(ct);
        return row is null ? null : new PublishedCrl(row.CaId, row.Shard, row.Number, Time.At(row.ThisUpdate), Time.At(row.NextUpdate), row.EntryCount, row.Der);
    }

    private static CaRow ToRow(CertificateAuthorityRecord c, CaRow row)
    {
        row.Id = c.Id;
        row.Name = c.Name;
        row.Kind = (int)c.Kind;
        row.ParentId = c.ParentId;
        row.SubjectDn = c.SubjectDn;
        row.KeyAlgorithm = (int)c.KeyAlgorithm;
        row.KeyStore = c.Key.Store;
        row.KeyHandle = c.Key.Handle;
        row.CertificateDer = c.CertificateDer;
        row.CsrDer = c.CsrDer;
        row.Status = (int)c.Status;
        row.PathLength = c.PathLength;
        row.CreatedAt = Time.Ms(c.CreatedAt);
        row.NotAfter = c.NotAfter is { } n ? Time.Ms(n) : null;
        row.ReplacedBy = c.ReplacedBy;
        row.OcspResponderCertificateDer = c.OcspResponderCertificateDer;
        row.OcspResponderKeyStore = c.OcspResponderKey?.Store;
        row.OcspResponderKeyHandle = c.OcspResponderKey?.Handle;
        row.PermittedDns = string.Join('\n', c.PermittedDnsNames);
        row.ExcludedDns = string.Join('\n', c.ExcludedDnsNames);
        row.ExternalChainPem = c.ExternalChainPem;
        return row;
    }

    private static CertificateAuthorityRecord FromRow(CaRow r) => new()
    {
        Id = r.Id,
        Name = r.Name,
        Kind = (CaKind)r.Kind,
        ParentId = r.ParentId,
        SubjectDn = r.SubjectDn,
        KeyAlgorithm = (KeyAlgorithm)r.KeyAlgorithm,
        Key = new KeyReference(r.KeyStore, r.KeyHandle),
        CertificateDer = r.CertificateDer,
        CsrDer = r.CsrDer,
        Status = (CaStatus)r.Status,
        PathLength = r.PathLength,
        CreatedAt = Time.At(r.CreatedAt),
        NotAfter = Time.At(r.NotAfter),
        ReplacedBy = r.ReplacedBy,
        OcspResponderCertificateDer = r.OcspResponderCertificateDer,
        OcspResponderKey = r.OcspResponderKeyStore is null || r.OcspResponderKeyHandle is null ? null : new KeyReference(r.OcspResponderKeyStore, r.OcspResponderKeyHandle),
        PermittedDnsNames = r.PermittedDns.Length == 0 ? [] : r.PermittedDns.Split('\n'),
        ExcludedDnsNames = r.ExcludedDns.Length == 0 ? [] : r.ExcludedDns.Split('\n'),
        ExternalChainPem = r.ExternalChainPem,
    };
}
