using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Castellan.Validation.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class OrderValidationStore(IDbContextFactory<CastellanDb> factory) : IOrderValidationStore
{
    public async Task AddAsync(IReadOnlyList<OrderValidation> validations, CancellationToken ct)
    {
        if (validations.Count == 0) return;
        await using var db = await factory.CreateDbContextAsync(ct);
        var orderId = validations[0].OrderId;
        var next = await db.Set<OrderValidationRow>().Where(x => x.OrderId == orderId).Select(x => (int?)x.Position).MaxAsync(ct) ?? -1;
        foreach (var v in validations)
        {
            var row = new OrderValidationRow { Position = ++next };
            Copy(v, row);
            db.Set<OrderValidationRow>().Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (UniqueViolation.Is(e))
            {
                // A concurrent request added this name first; its row stands.
                db.Entry(row).State = EntityState.Detached;
            }
        }
    }

    public async Task<IReadOnlyList<OrderValidation>> ListAsync(string orderId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Set<OrderValidationRow>().AsNoTracking().Where(x => x.OrderId == orderId).OrderBy(x => x.Position).ToListAsync(ct);
        return rows.Select(FromRow).ToList();
    }

    public async Task<bool> UpdateAsync(OrderValidation v, DateTimeOffset expectedUpdatedAt, CancellationToken ct)
    {
        var expected = Time.Ms(expectedUpdatedAt);
        var recipients = Join(v.Recipients);
        await using var db = await factory.CreateDbContextAsync(ct);
        // Optimistic: written only if nobody changed the row since it was read.
        return await db.Set<OrderValidationRow>().Where(x => x.OrderId == v.OrderId && x.Name == v.Name && x.UpdatedAt == expected).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Method, v.Method.ToString()).SetProperty(x => x.Status, v.Status.ToString()).SetProperty(x => x.Token, v.Token)
            .SetProperty(x => x.RandomValue, v.RandomValue).SetProperty(x => x.EmailChallengeId, v.EmailChallengeId).SetProperty(x => x.Recipients, recipients)
            .SetProperty(x => x.ValueExpiresAt, v.ValueExpiresAt == null ? null : Time.Ms(v.ValueExpiresAt.Value)).SetProperty(x => x.Source, v.Source)
            .SetProperty(x => x.EvidenceId, v.EvidenceId).SetProperty(x => x.ValidatedAt, v.ValidatedAt == null ? null : Time.Ms(v.ValidatedAt.Value))
            .SetProperty(x => x.Reason, Trim(v.Reason)).SetProperty(x => x.UpdatedAt, Time.Ms(v.UpdatedAt)), ct) == 1;
    }

    private static string? Trim(string? s) => s is { Length: > 2000 } ? s[..2000] : s;

    private static string? Join(IReadOnlyList<string> recipients) => recipients.Count == 0 ? null : Trim(string.Join(',', recipients));

    private static void Copy(OrderValidation v, OrderValidationRow r)
    {
        r.OrderId = v.OrderId; r.Name = v.Name; r.Method = v.Method.ToString(); r.Status = v.Status.ToString(); r.Token = v.Token; r.RandomValue = v.RandomValue;
        r.EmailChallengeId = v.EmailChallengeId; r.Recipients = Join(v.Recipients); r.ValueExpiresAt = v.ValueExpiresAt is { } x ? Time.Ms(x) : null;
        r.Source = v.Source; r.EvidenceId = v.EvidenceId; r.ValidatedAt = v.ValidatedAt is { } a ? Time.Ms(a) : null; r.Reason = Trim(v.Reason);
        r.CreatedAt = Time.Ms(v.CreatedAt); r.UpdatedAt = Time.Ms(v.UpdatedAt);
    }

    private static OrderValidation FromRow(OrderValidationRow r) => new(r.OrderId, r.Name, Enum.Parse<ValidationMethod>(r.Method),
        Enum.Parse<OrderValidationStatus>(r.Status), r.Token, r.RandomValue, r.EmailChallengeId, Time.At(r.CreatedAt), Time.At(r.UpdatedAt))
    {
        Source = r.Source, EvidenceId = r.EvidenceId, ValidatedAt = Time.At(r.ValidatedAt), Reason = r.Reason, ValueExpiresAt = Time.At(r.ValueExpiresAt),
        Recipients = r.Recipients is { } list ? list.Split(',') : [],
    };
}
