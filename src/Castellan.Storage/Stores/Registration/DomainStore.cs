using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Castellan.Validation.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class DomainStore(IDbContextFactory<CastellanDb> factory) : IDomainStore
{
    public async Task<bool> AddAsync(Domain d, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = new DomainRow();
        Copy(d, row);
        db.Set<DomainRow>().Add(row);
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

    public async Task<Domain?> GetAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<DomainRow>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<IReadOnlyList<Domain>> ListAsync(string accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Set<DomainRow>().AsNoTracking().Where(x => x.AccountId == accountId).OrderBy(x => x.Name).ToListAsync(ct);
        return rows.Select(FromRow).ToList();
    }

    public async Task<bool> UpdateAsync(Domain d, DateTimeOffset expectedUpdatedAt, CancellationToken ct)
    {
        var expected = Time.Ms(expectedUpdatedAt);
        await using var db = await factory.CreateDbContextAsync(ct);
        // Optimistic: the row is written only if nobody changed it since it was read.
        return await db.Set<DomainRow>().Where(x => x.Id == d.Id && x.UpdatedAt == expected).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Method, d.Method.ToString()).SetProperty(x => x.Status, d.Status.ToString()).SetProperty(x => x.Token, d.Token)
            .SetProperty(x => x.RandomValue, d.RandomValue).SetProperty(x => x.EmailChallengeId, d.EmailChallengeId)
            .SetProperty(x => x.UpdatedAt, Time.Ms(d.UpdatedAt)).SetProperty(x => x.VerifiedAt, d.VerifiedAt == null ? null : Time.Ms(d.VerifiedAt.Value))
            .SetProperty(x => x.ExpiresAt, d.ExpiresAt == null ? null : Time.Ms(d.ExpiresAt.Value)).SetProperty(x => x.EvidenceId, d.EvidenceId)
            .SetProperty(x => x.StatusReason, Trim(d.StatusReason)), ct) == 1;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<DomainRow>().Where(x => x.Id == id).ExecuteDeleteAsync(ct) == 1;
    }

    public async Task<bool> AddRestrictionAsync(RestrictedDomain r, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Set<RestrictedDomainRow>().Add(new RestrictedDomainRow { AccountId = r.AccountId, Name = r.Name, CreatedBy = r.CreatedBy, CreatedAt = Time.Ms(r.CreatedAt) });
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

    public async Task<bool> RemoveRestrictionAsync(string accountId, string name, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<RestrictedDomainRow>().Where(x => x.AccountId == accountId && x.Name == name).ExecuteDeleteAsync(ct) == 1;
    }

    public async Task<IReadOnlyList<RestrictedDomain>> ListRestrictionsAsync(string accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Set<RestrictedDomainRow>().AsNoTracking().Where(x => x.AccountId == accountId).OrderBy(x => x.Name).ToListAsync(ct);
        return rows.Select(r => new RestrictedDomain(r.AccountId, r.Name, r.CreatedBy, Time.At(r.CreatedAt))).ToList();
    }

    private static string? Trim(string? s) => s is { Length: > 2000 } ? s[..2000] : s;

    private static void Copy(Domain d, DomainRow r)
    {
        r.Id = d.Id; r.AccountId = d.AccountId; r.Name = d.Name; r.Method = d.Method.ToString(); r.Status = d.Status.ToString(); r.Token = d.Token;
        r.RandomValue = d.RandomValue; r.EmailChallengeId = d.EmailChallengeId; r.CreatedBy = d.CreatedBy; r.CreatedAt = Time.Ms(d.CreatedAt);
        r.UpdatedAt = Time.Ms(d.UpdatedAt); r.VerifiedAt = d.VerifiedAt is { } v ? Time.Ms(v) : null; r.ExpiresAt = d.ExpiresAt is { } e ? Time.Ms(e) : null;
        r.EvidenceId = d.EvidenceId; r.StatusReason = Trim(d.StatusReason);
    }

    private static Domain FromRow(DomainRow r) => new(r.Id, r.AccountId, r.Name, Enum.Parse<ValidationMethod>(r.Method), Enum.Parse<DomainStatus>(r.Status),
        r.Token, r.RandomValue, r.EmailChallengeId, r.CreatedBy, Time.At(r.CreatedAt), Time.At(r.UpdatedAt))
    {
        VerifiedAt = Time.At(r.VerifiedAt), ExpiresAt = Time.At(r.ExpiresAt), EvidenceId = r.EvidenceId, StatusReason = r.StatusReason,
    };
}
