using System.Text.Json;
using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class CustomFieldStore(IDbContextFactory<CastellanDb> factory) : ICustomFieldStore
{
    public async Task<bool> AddAsync(CustomFieldDefinition f, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Set<CustomFieldRow>().Add(new CustomFieldRow
        {
            Id = f.Id, AccountId = f.AccountId, Name = f.Name, Label = f.Label, Type = f.Type.ToString(), Mandatory = f.Mandatory, MaxLength = f.MaxLength,
            AllowedCharacters = f.AllowedCharacters == CharacterClasses.None ? "" : f.AllowedCharacters.ToString(), ExtraCharacters = f.ExtraCharacters,
            Options = JsonSerializer.Serialize(f.Options), CreatedAt = Time.Ms(f.CreatedAt),
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

    public async Task<IReadOnlyList<CustomFieldDefinition>> ListAsync(string accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Set<CustomFieldRow>().AsNoTracking().Where(f => f.AccountId == accountId).OrderBy(f => f.CreatedAt).ThenBy(f => f.Name).ToListAsync(ct);
        return rows.Select(r => new CustomFieldDefinition(r.Id, r.AccountId, r.Name, r.Label, Enum.Parse<CustomFieldType>(r.Type), r.Mandatory, r.MaxLength,
            r.AllowedCharacters.Length == 0 ? CharacterClasses.None : Enum.Parse<CharacterClasses>(r.AllowedCharacters), r.ExtraCharacters,
            JsonSerializer.Deserialize<List<string>>(r.Options) ?? [], Time.At(r.CreatedAt))).ToList();
    }

    public async Task<bool> DeleteAsync(string accountId, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<CustomFieldRow>().Where(f => f.AccountId == accountId && f.Id == id).ExecuteDeleteAsync(ct) == 1;
    }
}
