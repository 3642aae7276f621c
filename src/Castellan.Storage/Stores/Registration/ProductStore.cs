using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class ProductStore(IDbContextFactory<CastellanDb> factory) : IProductStore
{
    public async Task<bool> AddAsync(Product p, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Products.Add(new ProductRow
        {
            Id = p.Id, AccountId = p.AccountId, Name = p.Name, ProfileId = p.ProfileId, IssuerId = p.IssuerId, ValidityDays = p.ValidityDays,
            PricePerYearMinor = p.PricePerYearMinor, Currency = p.Currency, AutoApprove = p.AutoApprove, ApprovalMode = p.ApprovalMode.ToString(),
            ApprovalCriteria = p.ApprovalCriteria, SansIncluded = p.SansIncluded, PricePerExtraSanMinor = p.PricePerExtraSanMinor, CreatedAt = Time.Ms(p.CreatedAt),
            RequiresDomainValidation = p.RequiresDomainValidation,
        });
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

    public async Task<Product?> GetAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<bool> UpdateAsync(Product expected, Product updated, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var disabled = updated.DisabledAt is { } d ? Time.Ms(d) : (long?)null;
        var expectedDisabled = expected.DisabledAt is { } e ? Time.Ms(e) : (long?)null;
        // One conditional UPDATE on the fields the edit read, so two racing edits cannot both win.
        return await db.Products.Where(p => p.Id == expected.Id && p.AccountId == expected.AccountId && p.AccountId != null
                && p.Name == expected.Name && p.ValidityDays == expected.ValidityDays && p.PricePerYearMinor == expected.PricePerYearMinor
                && p.ApprovalMode == expected.ApprovalMode.ToString() && p.ApprovalCriteria == expected.ApprovalCriteria && p.DisabledAt == expectedDisabled)
            .ExecuteUpdateAsync(u => u
                .SetProperty(p => p.Name, updated.Name)
                .SetProperty(p => p.ValidityDays, updated.ValidityDays)
                .SetProperty(p => p.PricePerYearMinor, updated.PricePerYearMinor)
                .SetProperty(p => p.AutoApprove, updated.AutoApprove)
                .SetProperty(p => p.ApprovalMode, updated.ApprovalMode.ToString())
                .SetProperty(p => p.ApprovalCriteria, updated.ApprovalCriteria)
                .SetProperty(p => p.DisabledAt, disabled), ct) == 1;
    }

    public async Task<IReadOnlyList<Product>> ListAsync(string? accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Products.AsNoTracking().Where(p => p.AccountId == null || p.AccountId == accountId)
            .OrderBy(p => p.AccountId != null).ThenBy(p => p.Name).ThenBy(p => p.Id).ToListAsync(ct);
        return rows.Select(FromRow).ToList();
    }

    private static Product FromRow(ProductRow r) => new(r.Id, r.AccountId, r.Name, r.ProfileId, r.IssuerId, r.ValidityDays, r.PricePerYearMinor, r.Currency,
        r.AutoApprove, Enum.TryParse<ApprovalMode>(r.ApprovalMode, out var mode) ? mode : ApprovalMode.Manual, r.ApprovalCriteria, r.SansIncluded,
        r.PricePerExtraSanMinor, Time.At(r.CreatedAt))
    {
        RequiresDomainValidation = r.RequiresDomainValidation, DisabledAt = r.DisabledAt is { } d ? Time.At(d) : null,
    };
}
