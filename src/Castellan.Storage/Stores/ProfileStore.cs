using System.Text.Json;
using System.Text.Json.Serialization;
using Castellan.Authority.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores;

internal sealed class ProfileStore(IDbContextFactory<CastellanDb> factory) : IProfileStore
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public async Task<IReadOnlyList<CertificateProfile>> ListCustomAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Profiles.AsNoTracking().OrderBy(p => p.Id).ToListAsync(ct);
        return rows.Select(r => JsonSerializer.Deserialize<CertificateProfile>(r.Json, Json)!).ToList();
    }

    public async Task<CertificateProfile?> GetCustomAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Profiles.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        return row is null ? null : JsonSerializer.Deserialize<CertificateProfile>(row.Json, Json);
    }

    public async Task<bool> AddCustomAsync(CertificateProfile profile, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Profiles.Add(new ProfileRow { Id = profile.Id, Json = JsonSerializer.Serialize(profile, Json) });
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
}
