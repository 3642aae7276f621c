using System.Text.Json;
using Castellan.Registration.Contracts;
using Castellan.Registration.Orders;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed partial class OrderStore(IDbContextFactory<CastellanDb> factory) : IOrderStore
{
    public async Task<bool> AddAsync(Order o, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = new OrderRow
        {
            Id = o.Id, AccountId = o.AccountId, GroupId = o.GroupId, ProductId = o.ProductId, Status = o.Status.ToString(), Csr = o.Csr,
            Sans = Json(o.Sans), Subject = o.Subject, ValidityDays = o.ValidityDays, Remarks = o.Remarks, ReportingTags = Json(o.ReportingTags),
            AdditionalRecipients = Json(o.AdditionalRecipients), PriceMinor = o.PriceMinor, Currency = o.Currency, PlacedBy = o.PlacedBy,
            IdempotencyKey = o.IdempotencyKey, Fingerprint = o.Fingerprint, DebitJournalId = o.DebitJournalId, CertificateSerial = o.CertificateSerial,
            StatusReason = o.StatusReason, CreatedAt = Time.Ms(o.CreatedAt), UpdatedAt = Time.Ms(o.UpdatedAt),
        };
        WriteDetails(row, o);
        db.Orders.Add(row);
        db.Set<OrderLabelRow>().AddRange(Labels(o.Id, o.CustomFields, o.Tags, o.ReportingTags));
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            return false;
        }
    }

    public async Task<Order?> GetAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<Order?> FindByIdempotencyKeyAsync(string accountId, string key, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.AccountId == accountId && o.IdempotencyKey == key, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<bool> TransitionAsync(string id, OrderChange c, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var from = c.From.ToString();
        var at = Time.Ms(c.At);
        // One conditional UPDATE: the row lock (PostgreSQL) or the single writer (SQLite) lets exactly one of two
        // racing changes see the old status.
        return await db.Orders.Where(o => o.Id == id && o.Status == from).ExecuteUpdateAsync(u => u
            .SetProperty(o => o.Status, c.To.ToString())
            .SetProperty(o => o.UpdatedAt, at)
            .SetProperty(o => o.DebitJournalId, o => c.DebitJournalId ?? o.DebitJournalId)
            .SetProperty(o => o.CertificateSerial, o => c.CertificateSerial ?? o.CertificateSerial)
            .SetProperty(o => o.StatusReason, o => c.StatusReason ?? o.StatusReason), ct) == 1;
    }

    public async Task<bool> SetCsrAsync(string id, string csr, IReadOnlyCollection<OrderStatus> allowed, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var statuses = allowed.Select(s => s.ToString()).ToList();
        var ms = Time.Ms(at);
        return await db.Orders.Where(o => o.Id == id && o.Csr == null && statuses.Contains(o.Status))
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.Csr, csr).SetProperty(o => o.UpdatedAt, ms), ct) == 1;
    }

    public async Task<(IReadOnlyList<Order> Items, int Total)> ListAsync(OrderQuery q, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        IQueryable<OrderRow> rows = db.Orders.AsNoTracking();
        if (q.AccountId is not null) rows = rows.Where(o => o.AccountId == q.AccountId);
        if (q.PlacedBy is not null) rows = rows.Where(o => o.PlacedBy == q.PlacedBy);
        if (q.Status is { } status)
        {
            var name = status.ToString();
            rows = rows.Where(o => o.Status == name);
        }
        if (q.ProductId is not null) rows = rows.Where(o => o.ProductId == q.ProductId);
        var total = await rows.CountAsync(ct);
        var page = await rows.OrderByDescending(o => o.CreatedAt).ThenBy(o => o.Id).Skip(q.Skip).Take(q.Take).ToListAsync(ct);
        return (page.Select(FromRow).ToList(), total);
    }

    private static string Json(IReadOnlyList<string> values) => JsonSerializer.Serialize(values);

    private static IReadOnlyList<string> List(string json) => JsonSerializer.Deserialize<List<string>>(json) ?? [];

    internal static Order FromRow(OrderRow r) =>
        new(r.Id, r.AccountId, r.GroupId, r.ProductId, Enum.Parse<OrderStatus>(r.Status), r.Csr, List(r.Sans), r.Subject, r.ValidityDays, r.Remarks,
            List(r.ReportingTags), List(r.AdditionalRecipients), r.PriceMinor, r.Currency, r.PlacedBy, r.IdempotencyKey, r.Fingerprint, Time.At(r.CreatedAt), Time.At(r.UpdatedAt))
        {
            DebitJournalId = r.DebitJournalId, CertificateSerial = r.CertificateSerial, StatusReason = r.StatusReason,
            Kind = Enum.Parse<OrderKind>(r.Kind), OriginalOrderId = r.OriginalOrderId, ReissueReason = r.ReissueReason, CoverageYears = r.CoverageYears,
            CoverageEndsAt = Time.At(r.CoverageEndsAt), CustomFields = Fields(r.CustomFields), Tags = NamedTags(r.Tags),
            Supersedes = r.SupersedesSerial is { } serial && r.SupersedesDueAt is { } due
                ? new Supersession(serial, Time.At(due), Enum.Parse<Castellan.Authority.Contracts.RevocationReason>(r.SupersedesReason!))
                : null,
            RequesterName = r.RequesterName, RequesterMobile = r.RequesterMobile,
        };
}
