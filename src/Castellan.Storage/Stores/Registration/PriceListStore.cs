using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class PriceListStore(IDbContextFactory<CastellanDb> factory) : IPriceListStore
{
    public async Task SaveAsync(PriceListEntry p, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var updated = await db.Set<PriceListRow>().Where(x => x.AccountId == p.AccountId && x.ProductId == p.ProductId).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.PricePerYearMinor, p.PricePerYearMinor).SetProperty(x => x.PricePerExtraSanMinor, p.PricePerExtraSanMinor)
            .SetProperty(x => x.Currency, p.Currency).SetProperty(x => x.SetBy, p.SetBy).SetProperty(x => x.UpdatedAt, Time.Ms(p.UpdatedAt)), ct);
        if (updated == 1) return;
        db.Set<PriceListRow>().Add(new PriceListRow
        {
            AccountId = p.AccountId, ProductId = p.ProductId, PricePerYearMinor = p.PricePerYearMinor, PricePerExtraSanMinor = p.PricePerExtraSanMinor,
            Currency = p.Currency, SetBy = p.SetBy, UpdatedAt = Time.Ms(p.UpdatedAt),
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            // A concurrent first save inserted the line: last writer wins, as for an update.
            await SaveAsync(p, ct);
        }
    }

    public async Task<PriceListEntry?> FindAsync(string accountId, string productId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<PriceListRow>().AsNoTracking().FirstOrDefaultAsync(x => x.AccountId == accountId && x.ProductId == productId, ct);
        return row is null ? null : From(row);
    }

    public async Task<IReadOnlyList<PriceListEntry>> ListAsync(string accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return (await db.Set<PriceListRow>().AsNoTracking().Where(x => x.AccountId == accountId).OrderBy(x => x.ProductId).ToListAsync(ct)).Select(From).ToList();
    }

    public async Task<bool> DeleteAsync(string accountId, string productId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<PriceListRow>().Where(x => x.AccountId == accountId && x.ProductId == productId).ExecuteDeleteAsync(ct) == 1;
    }

    private static PriceListEntry From(PriceListRow r) => new(r.AccountId, r.ProductId, r.PricePerYearMinor, r.PricePerExtraSanMinor, r.Currency, r.SetBy, Time.At(r.UpdatedAt));
}
