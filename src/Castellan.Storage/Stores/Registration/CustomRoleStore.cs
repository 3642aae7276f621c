using Castellan.Authority.Coordination;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class CustomRoleStore(IDbContextFactory<CastellanDb> factory, TimeProvider clock, IEnumerable<IAccessChangeListener> callers) : ICustomRoleStore
{
    public async Task<bool> AddAsync(string accountId, Role role, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.CustomRoles.Add(new CustomRoleRow { Id = role.Id, AccountId = accountId, Name = role.Name, NameKey = role.Name.ToLowerInvariant(), Permissions = Names(role) });
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

    public async Task<Role?> GetAsync(string accountId, string roleId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.CustomRoles.AsNoTracking().FirstOrDefaultAsync(r => r.AccountId == accountId && r.Id == roleId, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<IReadOnlyList<Role>> ListAsync(string accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.CustomRoles.AsNoTracking().Where(r => r.AccountId == accountId).OrderBy(r => r.Name).ToListAsync(ct);
        return rows.Select(FromRow).ToList();
    }

    /// <summary>An access change: holders' cached callers are dropped here at once and on other nodes through the feed.</summary>
    public async Task<bool> UpdateAsync(string accountId, Role role, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        try
        {
            return await ChangeLog.CommitAccessChangeAsync(db, async () =>
            {
                var row = await db.CustomRoles.FirstOrDefaultAsync(r => r.AccountId == accountId && r.Id == role.Id, ct);
                if (row is null) return false;
                row.Name = role.Name;
                row.NameKey = role.Name.ToLowerInvariant();
                row.Permissions = Names(role);
                return true;
            }, clock, callers, ct);
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            return false;
        }
    }

    private static string Names(Role role) => string.Join(',', role.Permissions.Select(p => p.ToString()).Order());

    /// <summary>A permission name that no longer exists grants nothing rather than failing the whole role.</summary>
    private static Role FromRow(CustomRoleRow r) => new(r.Id, r.Name,
        r.Permissions.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => Enum.TryParse<Permission>(p, out var v) ? (Permission?)v : null)
            .OfType<Permission>().ToHashSet(), false);
}
