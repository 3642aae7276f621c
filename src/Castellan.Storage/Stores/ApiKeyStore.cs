using Castellan.Authority.Coordination;
using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores;

internal sealed class ApiKeyStore(IDbContextFactory<CastellanDb> factory, TimeProvider clock, IEnumerable<IAccessChangeListener> callers) : IApiKeyStore
{
    public async Task<bool> AddAsync(ApiKey key, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.ApiKeys.Add(new ApiKeyRow
        {
            Id = key.Id, Name = key.Name, Hash = key.Hash, Role = key.Role, CreatedAt = Time.Ms(key.CreatedAt),
            RevokedAt = key.RevokedAt is { } r ? Time.Ms(r) : null, UserId = key.UserId, AccountId = key.AccountId,
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
        return r is null ? null : FromRow(r);
    }

    public async Task<ApiKey?> GetAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, ct);
        return r is null ? null : FromRow(r);
    }

    public async Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var ms = Time.Ms(at);
        return await ChangeLog.CommitAccessChangeAsync(db, async () =>
            await db.ApiKeys.Where(k => k.Id == id && k.RevokedAt == null).ExecuteUpdateAsync(u => u.SetProperty(k => k.RevokedAt, ms), ct) == 1,
            clock, callers, ct);
    }

    private static ApiKey FromRow(ApiKeyRow r) => new(r.Id, r.Name, r.Hash, r.Role, Time.At(r.CreatedAt), Time.At(r.RevokedAt), r.UserId, r.AccountId);

    public async Task<IReadOnlyList<ApiKey>> ListAsync(string accountId, string? userId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.ApiKeys.AsNoTracking().Where(k => k.AccountId == accountId && (userId == null || k.UserId == userId))
            .OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
        return rows.Select(FromRow).ToList();
    }

    public async Task<int> CountAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.ApiKeys.CountAsync(ct);
    }
}
