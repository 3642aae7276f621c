using System.Text.Json;
using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class GroupStore(IDbContextFactory<CastellanDb> factory) : IGroupStore
{
    public async Task<bool> AddAsync(Group g, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Set<GroupRow>().Add(ToRow(g));
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

    public async Task<Group?> GetAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<GroupRow>().AsNoTracking().FirstOrDefaultAsync(g => g.Id == id, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<IReadOnlyList<Group>> ListAsync(string accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Set<GroupRow>().AsNoTracking().Where(g => g.AccountId == accountId)
            .OrderByDescending(g => g.IsDefault).ThenBy(g => g.NormalizedName).ToListAsync(ct);
        return rows.Select(FromRow).ToList();
    }

    public async Task<bool> UpdateAsync(Group g, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = ToRow(g);
        try
        {
            return await db.Set<GroupRow>().Where(x => x.Id == g.Id && x.AccountId == g.AccountId).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Name, row.Name).SetProperty(x => x.NormalizedName, row.NormalizedName)
                .SetProperty(x => x.UserAccess, row.UserAccess).SetProperty(x => x.UserIds, row.UserIds)
                .SetProperty(x => x.OrganizationScope, row.OrganizationScope).SetProperty(x => x.Organizations, row.Organizations)
                .SetProperty(x => x.DomainScope, row.DomainScope).SetProperty(x => x.Domains, row.Domains)
                .SetProperty(x => x.UpdatedAt, row.UpdatedAt), ct) == 1;
        }
        catch (Exception e) when (e is DbUpdateException d && UniqueViolation.Is(d) || IsUniqueViolation(e))
        {
            return false;
        }
    }

    public async Task RemoveAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Set<GroupRow>().Where(g => g.Id == id && !g.IsDefault).ExecuteDeleteAsync(ct);
    }

    /// <summary>ExecuteUpdate throws the provider's exception itself, not wrapped in a DbUpdateException.</summary>
    private static bool IsUniqueViolation(Exception e) => e switch
    {
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode == 19,
        Npgsql.PostgresException p => p.SqlState == "23505",
        _ => false,
    };

    private static GroupRow ToRow(Group g) => new()
    {
        Id = g.Id, AccountId = g.AccountId, Name = g.Name, NormalizedName = g.Name.ToLowerInvariant(), IsDefault = g.IsDefault,
        UserAccess = g.UserAccess.ToString(), UserIds = JsonSerializer.Serialize(g.UserIds), OrganizationScope = g.OrganizationScope.ToString(),
        Organizations = JsonSerializer.Serialize(g.Organizations), DomainScope = g.DomainScope.ToString(), Domains = JsonSerializer.Serialize(g.Domains),
        CreatedAt = Time.Ms(g.CreatedAt), UpdatedAt = Time.Ms(g.UpdatedAt),
    };

    private static Group FromRow(GroupRow r) => new(r.Id, r.AccountId, r.Name, r.IsDefault, Enum.Parse<GroupUserAccess>(r.UserAccess), List(r.UserIds),
        Enum.Parse<GroupScope>(r.OrganizationScope), List(r.Organizations), Enum.Parse<GroupScope>(r.DomainScope), List(r.Domains), Time.At(r.CreatedAt), Time.At(r.UpdatedAt));

    private static List<string> List(string json) => JsonSerializer.Deserialize<List<string>>(json) ?? [];
}
