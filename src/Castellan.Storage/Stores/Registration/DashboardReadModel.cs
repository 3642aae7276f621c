using Castellan.Authority.Contracts;
using Castellan.Registration.Contracts;
using Castellan.Registration.Orders;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

/// <summary>
/// Dashboard aggregates. An account's certificates are the ones its orders produced (orders.certificate_serial):
/// certificates carry no account of their own. The platform scope counts every certificate.
/// </summary>
internal sealed class DashboardReadModel(IDbContextFactory<CastellanDb> factory) : IDashboardReadModel
{
    private static readonly int Valid = (int)CertificateStatus.Valid;
    private static readonly int[] Issued = [(int)CertificateStatus.Valid, (int)CertificateStatus.Revoked, (int)CertificateStatus.OnHold];

    public async Task<DashboardFigures> ReadAsync(DashboardScope scope, DateTimeOffset now, int weeks, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        IQueryable<OrderRow> orders = db.Orders.AsNoTracking();
        if (scope.AccountId is not null) orders = orders.Where(o => o.AccountId == scope.AccountId);
        if (scope.PlacedBy is not null) orders = orders.Where(o => o.PlacedBy == scope.PlacedBy);

        var byStatus = (await orders.GroupBy(o => o.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct))
            .ToDictionary(g => Enum.Parse<OrderStatus>(g.Status), g => g.Count);

        IQueryable<CertificateRow> certificates = db.Certificates.AsNoTracking();
        if (scope.AccountId is not null)
        {
            var serials = orders.Where(o => o.CertificateSerial != null).Select(o => o.CertificateSerial!);
            certificates = certificates.Where(c => serials.Contains(c.Serial));
        }

        var nowMs = Time.Ms(now);
        var day = TimeSpan.FromDays(1);
        var live = certificates.Where(c => c.Status == Valid && c.NotAfter > nowMs);
        var within90 = await live.Where(c => c.NotAfter <= Time.Ms(now + 90 * day)).Select(c => c.NotAfter).ToListAsync(ct);

        // Weeks start on Monday (ISO 8601), in UTC.
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var thisWeek = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var firstWeek = thisWeek.AddDays(-7 * (weeks - 1));
        var fromMs = Time.Ms(new DateTimeOffset(firstWeek.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        var recorded = await certificates.Where(c => Issued.Contains(c.Status) && c.RecordedAt >= fromMs).Select(c => c.RecordedAt).ToListAsync(ct);
        var perWeek = Enumerable.Range(0, weeks).Select(i => firstWeek.AddDays(7 * i))
            .Select(w => new WeeklyCount(w, recorded.Count(r => WeekOf(r) == w))).ToList();

        return new DashboardFigures(byStatus,
            within90.Count(n => n <= Time.Ms(now + 30 * day)), within90.Count(n => n <= Time.Ms(now + 60 * day)), within90.Count, perWeek);

        DateOnly WeekOf(long ms)
        {
            var d = DateOnly.FromDateTime(Time.At(ms).UtcDateTime);
            return d.AddDays(-(((int)d.DayOfWeek + 6) % 7));
        }
    }
}
