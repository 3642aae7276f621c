using Castellan.Authority.Contracts;
using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

/// <summary>
/// Certificates through their orders (orders.certificate_serial), scoped like <see cref="DashboardReadModel"/>, so
/// the list behind an expiry tile holds exactly the certificates the tile counted.
/// </summary>
internal sealed class AccountCertificateStore(IDbContextFactory<CastellanDb> factory) : IAccountCertificateStore
{
    private static readonly int Valid = (int)CertificateStatus.Valid;
    private static readonly int[] Issued = [(int)CertificateStatus.Valid, (int)CertificateStatus.Revoked, (int)CertificateStatus.OnHold];

    public async Task<(IReadOnlyList<AccountCertificate> Items, int Total)> SearchAsync(AccountCertificateQuery q, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        IQueryable<CertificateRow> certificates = db.Certificates.AsNoTracking().Where(c => Issued.Contains(c.Status));
        if (q.AccountId is not null || q.PlacedBy is not null)
        {
            IQueryable<OrderRow> orders = db.Orders.AsNoTracking().Where(o => o.CertificateSerial != null);
            if (q.AccountId is not null) orders = orders.Where(o => o.AccountId == q.AccountId);
            if (q.PlacedBy is not null) orders = orders.Where(o => o.PlacedBy == q.PlacedBy);
            var serials = orders.Select(o => o.CertificateSerial!);
            certificates = certificates.Where(c => serials.Contains(c.Serial));
        }
        if (q.Text?.Trim() is { Length: > 0 } text)
        {
            // Serials and names are stored in lower case; a subject as written.
            var lower = text.ToLowerInvariant();
            certificates = certificates.Where(c => c.Serial.StartsWith(lower) || c.SubjectDn.Contains(text) || c.Sans.Contains(lower));
        }
        if (q.Status is { } status) certificates = certificates.Where(c => c.Status == (int)status);
        if (q.ExpiringBy is { } by)
        {
            long nowMs = Time.Ms(q.Now), byMs = Time.Ms(by);
            certificates = certificates.Where(c => c.Status == Valid && c.NotAfter > nowMs && c.NotAfter <= byMs);
        }
        var total = await certificates.CountAsync(ct);
        var rows = await certificates.OrderByDescending(c => c.RecordedAt).ThenBy(c => c.Serial).Skip(q.Skip).Take(q.Take).ToListAsync(ct);
        var pageSerials = rows.Select(r => r.Serial).ToList();
        var owners = await db.Orders.AsNoTracking().Where(o => o.CertificateSerial != null && pageSerials.Contains(o.CertificateSerial))
            .Select(o => new { o.Id, o.AccountId, o.PlacedBy, Serial = o.CertificateSerial! }).ToListAsync(ct);
        var bySerial = owners.GroupBy(o => o.Serial).ToDictionary(g => g.Key, g => g.First());
        return (rows.Select(r => bySerial.TryGetValue(r.Serial, out var o)
            ? new AccountCertificate(CertificateStore.FromRow(r), o.Id, o.AccountId, o.PlacedBy)
            : new AccountCertificate(CertificateStore.FromRow(r), null, null, null)).ToList(), total);
    }

    public async Task<AccountCertificate?> GetAsync(string serialHex, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.Serial == serialHex && Issued.Contains(c.Status), ct);
        if (row is null) return null;
        var order = await db.Orders.AsNoTracking().Where(o => o.CertificateSerial == serialHex).Select(o => new { o.Id, o.AccountId, o.PlacedBy }).FirstOrDefaultAsync(ct);
        return new AccountCertificate(CertificateStore.FromRow(row), order?.Id, order?.AccountId, order?.PlacedBy);
    }
}
