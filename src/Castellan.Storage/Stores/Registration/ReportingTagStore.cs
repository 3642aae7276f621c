using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class ReportingTagStore(IDbContextFactory<CastellanDb> factory) : IReportingTagStore
{
    public async Task<bool> AddAsync(ReportingTagDefinition t, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Set<ReportingTagRow>().Add(new ReportingTagRow
        {
            Id = t.Id, AccountId = t.AccountId, Name = t.Name, NormalizedName = t.Name.ToUpperInvariant(), Description = t.Description, CreatedAt = Time.Ms(t.CreatedAt),
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

    public async Task<IReadOnlyList<ReportingTagDefinition>> ListAsync(string accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Set<ReportingTagRow>().AsNoTracking().Where(t => t.AccountId == accountId).OrderBy(t => t.NormalizedName).ToListAsync(ct);
        return rows.Select(r => new ReportingTagDefinition(r.Id, r.AccountId, r.Name, r.Description, Time.At(r.CreatedAt))).ToList();
    }

    public async Task<bool> DeleteAsync(string accountId, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<ReportingTagRow>().Where(t => t.AccountId == accountId && t.Id == id).ExecuteDeleteAsync(ct) == 1;
    }
}
