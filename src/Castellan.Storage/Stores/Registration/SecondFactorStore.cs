using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class SecondFactorStore(IDbContextFactory<CastellanDb> factory) : ISecondFactorStore
{
    public async Task SaveAsync(SecondFactor f, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<SecondFactorRow>().FirstOrDefaultAsync(x => x.UserId == f.UserId, ct);
        if (row is null) db.Set<SecondFactorRow>().Add(row = new SecondFactorRow { UserId = f.UserId });
        row.ProtectedSecret = f.ProtectedSecret;
        row.CreatedAt = Time.Ms(f.CreatedAt);
        row.ConfirmedAt = f.ConfirmedAt is { } c ? Time.Ms(c) : null;
        row.LastUsedStep = f.LastUsedStep;
        await db.SaveChangesAsync(ct);
    }

    public async Task<SecondFactor?> GetAsync(string userId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.Set<SecondFactorRow>().AsNoTracking().FirstOrDefaultAsync(x => x.UserId == userId, ct);
        return r is null ? null : new SecondFactor(r.UserId, r.ProtectedSecret, Time.At(r.CreatedAt), Time.At(r.ConfirmedAt), r.LastUsedStep);
    }

    public async Task<bool> ConfirmAsync(string userId, long step, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var ms = Time.Ms(at);
        return await db.Set<SecondFactorRow>().Where(x => x.UserId == userId && x.ConfirmedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.ConfirmedAt, ms).SetProperty(x => x.LastUsedStep, step), ct) == 1;
    }

    public async Task<bool> UseStepAsync(string userId, long step, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<SecondFactorRow>().Where(x => x.UserId == userId && x.ConfirmedAt != null && x.LastUsedStep < step)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.LastUsedStep, step), ct) == 1;
    }

    public async Task<bool> DeleteAsync(string userId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Set<RecoveryCodeRow>().Where(x => x.UserId == userId).ExecuteDeleteAsync(ct);
        return await db.Set<SecondFactorRow>().Where(x => x.UserId == userId).ExecuteDeleteAsync(ct) == 1;
    }

    public async Task ReplaceRecoveryCodesAsync(string userId, IReadOnlyList<string> hashes, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<RecoveryCodeRow>().Where(x => x.UserId == userId).ExecuteDeleteAsync(ct);
        db.Set<RecoveryCodeRow>().AddRange(hashes.Select(h => new RecoveryCodeRow { UserId = userId, Hash = h }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task<bool> UseRecoveryCodeAsync(string userId, string hash, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var ms = Time.Ms(at);
        return await db.Set<RecoveryCodeRow>().Where(x => x.UserId == userId && x.Hash == hash && x.UsedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.UsedAt, ms), ct) == 1;
    }

    public async Task<int> RecoveryCodesLeftAsync(string userId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<RecoveryCodeRow>().CountAsync(x => x.UserId == userId && x.UsedAt == null, ct);
    }
}

internal sealed class AccessRestrictionStore(IDbContextFactory<CastellanDb> factory) : IAccessRestrictionStore
{
    public async Task<AccountSecurity?> GetAccountAsync(string accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.Set<AccountSecurityRow>().AsNoTracking().FirstOrDefaultAsync(x => x.AccountId == accountId, ct);
        return r is null ? null : new AccountSecurity(r.AccountId, r.SecondFactorRequired, Split(r.AllowedNetworks));
    }

    public async Task SaveAccountAsync(AccountSecurity s, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<AccountSecurityRow>().FirstOrDefaultAsync(x => x.AccountId == s.AccountId, ct);
        if (row is null) db.Set<AccountSecurityRow>().Add(row = new AccountSecurityRow { AccountId = s.AccountId });
        row.SecondFactorRequired = s.SecondFactorRequired;
        row.AllowedNetworks = string.Join(',', s.AllowedNetworks);
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<string>> GetUserNetworksAsync(string userId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.Set<UserNetworksRow>().AsNoTracking().FirstOrDefaultAsync(x => x.UserId == userId, ct);
        return r is null ? [] : Split(r.AllowedNetworks);
    }

    public async Task SaveUserNetworksAsync(string userId, IReadOnlyList<string> networks, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<UserNetworksRow>().FirstOrDefaultAsync(x => x.UserId == userId, ct);
        if (row is null) db.Set<UserNetworksRow>().Add(row = new UserNetworksRow { UserId = userId });
        row.AllowedNetworks = string.Join(',', networks);
        await db.SaveChangesAsync(ct);
    }

    private static List<string> Split(string s) => [.. s.Split(',', StringSplitOptions.RemoveEmptyEntries)];
}

internal sealed class ClientCertificateStore(IDbContextFactory<CastellanDb> factory) : IClientCertificateStore
{
    public async Task<bool> AddAsync(ClientCertificate c, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Set<ClientCertificateRow>().Add(new ClientCertificateRow
        {
            Id = c.Id, UserId = c.UserId, AccountId = c.AccountId, Fingerprint = c.Fingerprint, Subject = c.Subject, Issuer = c.Issuer,
            SerialHex = c.SerialHex, NotBefore = Time.Ms(c.NotBefore), NotAfter = Time.Ms(c.NotAfter), CreatedAt = Time.Ms(c.CreatedAt),
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

    public async Task<ClientCertificate?> FindByFingerprintAsync(string fingerprint, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.Set<ClientCertificateRow>().AsNoTracking().FirstOrDefaultAsync(x => x.Fingerprint == fingerprint, ct);
        return r is null ? null : From(r);
    }

    public async Task<ClientCertificate?> GetAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.Set<ClientCertificateRow>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return r is null ? null : From(r);
    }

    public async Task<IReadOnlyList<ClientCertificate>> ListAsync(string userId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Set<ClientCertificateRow>().AsNoTracking().Where(x => x.UserId == userId).OrderBy(x => x.CreatedAt).ToListAsync(ct);
        return rows.Select(From).ToList();
    }

    public async Task<bool> RemoveAsync(string id, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var ms = Time.Ms(at);
        return await db.Set<ClientCertificateRow>().Where(x => x.Id == id && x.RemovedAt == null).ExecuteUpdateAsync(u => u.SetProperty(x => x.RemovedAt, ms), ct) == 1;
    }

    private static ClientCertificate From(ClientCertificateRow r) =>
        new(r.Id, r.UserId, r.AccountId, r.Fingerprint, r.Subject, r.Issuer, r.SerialHex, Time.At(r.NotBefore), Time.At(r.NotAfter), Time.At(r.CreatedAt), Time.At(r.RemovedAt));
}
