using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores;

internal sealed class ApiKeyStore(IDbContextFactory<CastellanDb> factory) : IApiKeyStore
{
    public async Task<bool> AddAsync(ApiKey key, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.ApiKeys.Add(new ApiKeyRow
        {
            Id = key.Id, Name = key.Name, Hash = key.Hash, Role = key.Role, CreatedAt = Time.Ms(key.CreatedAt),
            RevokedAt = key.RevokedAt is { } r ? Time.Ms(r) : null,
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

    public async Task<ApiKey?> FindByHashAsync(string hash, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Hash == hash, ct);
        return r is null ? null : new ApiKey(r.Id, r.Name, r.Hash, r.Role, Time.At(r.CreatedAt), Time.At(r.RevokedAt));
    }

    public async Task<int> CountAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.ApiKeys.CountAsync(ct);
    }
}
