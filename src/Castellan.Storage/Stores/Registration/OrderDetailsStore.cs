using System.Text.Json;
using Castellan.Registration.Contracts;
using Castellan.Registration.Orders;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

/// <summary>The order details that order actions change (custom fields, tags, tracking, supersession) and the search over them.</summary>
internal sealed partial class OrderStore : IOrderDetailsStore
{
    private const string TagLabel = "tag";
    private const string FieldLabel = "field";

    public async Task<bool> UpdateDetailsAsync(string id, IReadOnlyDictionary<string, string> customFields, IReadOnlyList<ReportingTag> tags,
        IReadOnlyList<string> recipients, IReadOnlyCollection<OrderStatus> closed, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var closedNames = closed.Select(s => s.ToString()).ToList();
        var fieldsJson = JsonSerializer.Serialize(customFields);
        var tagsJson = JsonSerializer.Serialize(tags);
        var recipientsJson = JsonSerializer.Serialize(recipients);
        var ms = Time.Ms(at);
        var changed = await db.Orders.Where(o => o.Id == id && !closedNames.Contains(o.Status)).ExecuteUpdateAsync(u => u
            .SetProperty(o => o.CustomFields, fieldsJson).SetProperty(o => o.Tags, tagsJson)
            .SetProperty(o => o.AdditionalRecipients, recipientsJson).SetProperty(o => o.UpdatedAt, ms), ct);
        if (changed != 1) return false;
        // The bare reporting tags are not edited here, but their labels are rewritten with the rest.
        var bare = await db.Orders.Where(o => o.Id == id).Select(o => o.ReportingTags).SingleAsync(ct);
        await db.Set<OrderLabelRow>().Where(l => l.OrderId == id).ExecuteDeleteAsync(ct);
        db.Set<OrderLabelRow>().AddRange(Labels(id, customFields, tags, List(bare)));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<bool> SetTrackingTokenHashAsync(string id, string hash, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Orders.Where(o => o.Id == id).ExecuteUpdateAsync(u => u.SetProperty(o => o.TrackingTokenHash, hash), ct) == 1;
    }

    public async Task<Order?> FindByTrackingTokenHashAsync(string hash, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.TrackingTokenHash == hash, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<IReadOnlyList<Order>> DueSupersessionsAsync(DateTimeOffset now, int take, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var ms = Time.Ms(now);
        var fulfilled = nameof(OrderStatus.Fulfilled);
        var rows = await db.Orders.AsNoTracking()
            .Where(o => o.SupersedesDueAt != null && o.SupersedesDueAt <= ms && o.Status == fulfilled)
            .OrderBy(o => o.SupersedesDueAt).Take(take).ToListAsync(ct);
        return rows.Select(FromRow).ToList();
    }

    public async Task<bool> ClaimSupersessionAsync(string id, string serial, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Orders.Where(o => o.Id == id && o.SupersedesSerial == serial && o.SupersedesDueAt != null)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.SupersedesDueAt, (long?)null), ct) == 1;
    }

    public async Task<(IReadOnlyList<Order> Items, int Total)> SearchAsync(OrderQuery q, OrderFilter f, CancellationToken ct)
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
        if (f.CreatedFrom is { } from)
        {
            var ms = Time.Ms(from);
            rows = rows.Where(o => o.CreatedAt >= ms);
        }
        if (f.CreatedTo is { } to)
        {
            var ms = Time.Ms(to);
            rows = rows.Where(o => o.CreatedAt <= ms);
        }
        // SANs are stored lower-case as typed JSON strings ("dns:www.example.com"); a substring match finds a domain
        // and its subdomains. Orders naming no SANs are found by the names of their certificate only via the CA.
        // ToLower().Contains translates to SQL on both providers; the StringComparison overload CA1862 asks for does not.
#pragma warning disable CA1862
        // The subject is searched too, so an order named only by its CN (placed with a subject) is found by it.
        if (!string.IsNullOrEmpty(f.Domain)) rows = rows.Where(o => o.Sans.Contains(f.Domain) || (o.Subject != null && o.Subject.ToLower().Contains(f.Domain)));
        if (!string.IsNullOrEmpty(f.Requester))
            rows = rows.Where(o => o.PlacedBy.ToLower().Contains(f.Requester) || (o.RequesterName != null && o.RequesterName.ToLower().Contains(f.Requester)));
#pragma warning restore CA1862
        if (f.GroupId is not null) rows = rows.Where(o => o.GroupId == f.GroupId);
        var labels = db.Set<OrderLabelRow>();
        if (f.TagName is { } tag)
        {
            var value = f.TagValue ?? "";
            rows = f.TagValue is null
                ? rows.Where(o => labels.Any(l => l.OrderId == o.Id && l.Kind == TagLabel && l.Name == tag))
                : rows.Where(o => labels.Any(l => l.OrderId == o.Id && l.Kind == TagLabel && l.Name == tag && l.Value == value));
        }
        if (f.FieldName is { } field)
        {
            var value = f.FieldValue ?? "";
            rows = f.FieldValue is null
                ? rows.Where(o => labels.Any(l => l.OrderId == o.Id && l.Kind == FieldLabel && l.Name == field))
                : rows.Where(o => labels.Any(l => l.OrderId == o.Id && l.Kind == FieldLabel && l.Name == field && l.Value == value));
        }
        var total = await rows.CountAsync(ct);
        var page = await rows.OrderByDescending(o => o.CreatedAt).ThenBy(o => o.Id).Skip(q.Skip).Take(q.Take).ToListAsync(ct);
        return (page.Select(FromRow).ToList(), total);
    }

    private static void WriteDetails(OrderRow row, Order o)
    {
        row.Kind = o.Kind.ToString();
        row.OriginalOrderId = o.OriginalOrderId;
        row.ReissueReason = o.ReissueReason;
        row.CoverageYears = o.CoverageYears;
        row.CoverageEndsAt = o.CoverageEndsAt is { } end ? Time.Ms(end) : null;
        row.CustomFields = JsonSerializer.Serialize(o.CustomFields);
        row.Tags = JsonSerializer.Serialize(o.Tags);
        row.SupersedesSerial = o.Supersedes?.Serial;
        row.SupersedesReason = o.Supersedes?.Reason.ToString();
        row.SupersedesDueAt = o.Supersedes is { } s ? Time.Ms(s.DueAt) : null;
        row.RequesterName = o.RequesterName;
        row.RequesterMobile = o.RequesterMobile;
    }

    /// <summary>Bare reporting tags are labels with an empty value, so "tag=IT" finds both kinds.</summary>
    private static IEnumerable<OrderLabelRow> Labels(string orderId, IReadOnlyDictionary<string, string> fields, IReadOnlyList<ReportingTag> tags, IReadOnlyList<string> bare)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tags)
            if (seen.Add(t.Name)) yield return new OrderLabelRow { OrderId = orderId, Kind = TagLabel, Name = t.Name, Value = t.Value ?? "" };
        foreach (var t in bare)
            if (seen.Add(t)) yield return new OrderLabelRow { OrderId = orderId, Kind = TagLabel, Name = t.Length > 50 ? t[..50] : t, Value = "" };
        foreach (var (name, value) in fields)
            yield return new OrderLabelRow { OrderId = orderId, Kind = FieldLabel, Name = name, Value = value };
    }

    private static IReadOnlyDictionary<string, string> Fields(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    private static IReadOnlyList<ReportingTag> NamedTags(string json) => JsonSerializer.Deserialize<List<ReportingTag>>(json) ?? [];
}
