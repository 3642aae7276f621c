using Castellan.Storage.Entities;
using Castellan.Validation.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Validation;

internal sealed class EmailChallengeStore(IDbContextFactory<CastellanDb> factory) : IEmailChallengeStore
{
    public async Task AddAsync(EmailChallenge c, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Set<EmailChallengeRow>().Add(new EmailChallengeRow
        {
            Id = c.Id, AccountId = c.AccountId, IdentifierType = c.Identifier.Type.ToString(), IdentifierValue = c.Identifier.Value, Method = c.Method.ToString(),
            Recipients = string.Join('\n', c.Recipients), ValueHash = c.ValueHash, CreatedAt = Time.Ms(c.CreatedAt), ExpiresAt = Time.Ms(c.ExpiresAt),
            Sends = c.Sends, UsedAt = c.UsedAt is { } u ? Time.Ms(u) : null,
        });
        await db.SaveChangesAsync(ct);
    }

    public async Task<EmailChallenge?> GetAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.Set<EmailChallengeRow>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return r is null ? null : new EmailChallenge(r.Id, r.AccountId, new Identifier(Enum.Parse<IdentifierType>(r.IdentifierType), r.IdentifierValue),
            Enum.Parse<ValidationMethod>(r.Method), r.Recipients.Split('\n', StringSplitOptions.RemoveEmptyEntries), r.ValueHash, Time.At(r.CreatedAt),
            Time.At(r.ExpiresAt), r.Sends, Time.At(r.UsedAt));
    }

    public async Task<bool> RenewAsync(string id, string valueHash, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var expires = Time.Ms(expiresAt);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<EmailChallengeRow>().Where(x => x.Id == id && x.UsedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.ValueHash, valueHash).SetProperty(x => x.ExpiresAt, expires).SetProperty(x => x.Sends, x => x.Sends + 1), ct) == 1;
    }

    // One conditional UPDATE, so of two requests returning the same value only one completes the validation.
    public async Task<bool> MarkUsedAsync(string id, DateTimeOffset at, CancellationToken ct)
    {
        var ms = Time.Ms(at);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<EmailChallengeRow>().Where(x => x.Id == id && x.UsedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.UsedAt, ms), ct) == 1;
    }
}
