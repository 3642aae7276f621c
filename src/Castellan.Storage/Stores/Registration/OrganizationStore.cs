using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class OrganizationStore(IDbContextFactory<CastellanDb> factory) : IOrganizationStore
{
    public async Task AddAsync(Organization o, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Set<OrganizationRow>().Add(new OrganizationRow
        {
            Id = o.Id, AccountId = o.AccountId, LegalName = o.LegalName, Country = o.Country, State = o.State, Locality = o.Locality,
            Address = o.Address, Phone = o.Phone, RegistrationNumber = o.RegistrationNumber, Status = o.Status.ToString(),
            StatusReason = o.StatusReason, DecidedBy = o.DecidedBy, CreatedBy = o.CreatedBy, CreatedAt = Time.Ms(o.CreatedAt), UpdatedAt = Time.Ms(o.UpdatedAt),
        });
        await db.SaveChangesAsync(ct);
    }

    public async Task<Organization?> GetAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<OrganizationRow>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<IReadOnlyList<Organization>> ListAsync(string accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Set<OrganizationRow>().AsNoTracking().Where(x => x.AccountId == accountId).OrderBy(x => x.LegalName).ThenBy(x => x.Id).ToListAsync(ct);
        return rows.Select(FromRow).ToList();
    }

    public async Task<bool> DecideAsync(string id, OrganizationStatus from, OrganizationStatus to, string? reason, string decidedBy, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var expected = from.ToString();
        // Conditional on the current status, so two officers deciding at once cannot both succeed.
        return await db.Set<OrganizationRow>().Where(x => x.Id == id && x.Status == expected).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Status, to.ToString()).SetProperty(x => x.StatusReason, reason).SetProperty(x => x.DecidedBy, decidedBy)
            .SetProperty(x => x.UpdatedAt, Time.Ms(at)), ct) == 1;
    }

    private static Organization FromRow(OrganizationRow r) =>
        new(r.Id, r.AccountId, r.LegalName, r.Country, r.State, r.Locality, r.Address, r.Phone, r.RegistrationNumber,
            Enum.Parse<OrganizationStatus>(r.Status), r.CreatedBy, Time.At(r.CreatedAt), Time.At(r.UpdatedAt))
        { StatusReason = r.StatusReason, DecidedBy = r.DecidedBy };
}
