using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class ActivationTokenStore(IDbContextFactory<CastellanDb> factory) : IActivationTokenStore
{
    public async Task AddAsync(ActivationToken t, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.ActivationTokens.Add(new ActivationTokenRow { Hash = t.Hash, UserId = t.UserId, AccountId = t.AccountId, ExpiresAt = Time.Ms(t.ExpiresAt), UsedAt = t.UsedAt is { } u ? Time.Ms(u) : null });
        await db.SaveChangesAsync(ct);
    }

    public async Task<ActivationToken?> FindAsync(string hash, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.ActivationTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Hash == hash, ct);
        return r is null ? null : new ActivationToken(r.Hash, r.UserId, r.AccountId, Time.At(r.ExpiresAt), Time.At(r.UsedAt));
    }

    public async Task<bool> ConsumeAsync(string hash, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var ms = Time.Ms(at);
        // Conditional UPDATE: of two requests racing with one link, exactly one sees a row change.
        return await db.ActivationTokens.Where(t => t.Hash == hash && t.UsedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.UsedAt, ms), ct) == 1;
    }
}
