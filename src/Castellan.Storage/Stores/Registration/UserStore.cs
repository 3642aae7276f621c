using Castellan.Authority.Coordination;
using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class UserStore(IDbContextFactory<CastellanDb> factory, TimeProvider clock, IEnumerable<IAccessChangeListener> callers) : IUserStore
{
    public async Task<bool> AddAsync(User user, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Users.Add(ToRow(user, new UserRow()));
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

    public async Task<User?> GetAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<User?> FindByEmailAsync(string email, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Email == email, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task UpdateAsync(User user, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await ChangeLog.CommitAccessChangeAsync(db, async () =>
        {
            var row = await db.Users.FirstOrDefaultAsync(u => u.Id == user.Id, ct) ?? throw new InvalidOperationException($"user '{user.Id}' does not exist");
            ToRow(user, row);
            return true;
        }, clock, callers, ct);
    }

    public async Task SaveMembershipAsync(Membership m, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await ChangeLog.CommitAccessChangeAsync(db, async () =>
        {
            var row = await db.Memberships.FirstOrDefaultAsync(x => x.UserId == m.UserId && x.AccountId == m.AccountId, ct);
            if (row is null)
            {
                row = new MembershipRow { UserId = m.UserId, AccountId = m.AccountId, CreatedAt = Time.Ms(m.CreatedAt) };
                db.Memberships.Add(row);
            }
            row.RoleId = m.RoleId;
            row.Status = (int)m.Status;
            return true;
        }, clock, callers, ct);
    }

    public async Task<Membership?> GetMembershipAsync(string userId, string accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Memberships.AsNoTracking().FirstOrDefaultAsync(x => x.UserId == userId && x.AccountId == accountId, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<IReadOnlyList<Membership>> ListMembershipsAsync(string userId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Memberships.AsNoTracking().Where(x => x.UserId == userId).OrderBy(x => x.CreatedAt).ToListAsync(ct);
        return rows.Select(FromRow).ToList();
    }

    public async Task<IReadOnlyList<(User User, Membership Membership)>> ListMembersAsync(string accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Memberships.AsNoTracking().Where(m => m.AccountId == accountId)
            .Join(db.Users.AsNoTracking(), m => m.UserId, u => u.Id, (m, u) => new { m, u })
            .OrderBy(x => x.u.Email).ToListAsync(ct);
        return rows.Select(x => (FromRow(x.u), FromRow(x.m))).ToList();
    }

    private static UserRow ToRow(User u, UserRow row)
    {
        row.Id = u.Id;
        row.Email = u.Email;
        row.Name = u.Name;
        row.Mobile = u.Mobile;
        row.Status = (int)u.Status;
        row.PasswordHash = u.PasswordHash;
        row.FailedSignIns = u.FailedSignIns;
        row.LockedUntil = u.LockedUntil is { } l ? Time.Ms(l) : null;
        row.CreatedAt = Time.Ms(u.CreatedAt);
        return row;
    }

    private static User FromRow(UserRow r) =>
        new(r.Id, r.Email, r.Name, r.Mobile, (UserStatus)r.Status, r.PasswordHash, r.FailedSignIns, Time.At(r.LockedUntil), Time.At(r.CreatedAt));

    private static Membership FromRow(MembershipRow r) => new(r.UserId, r.AccountId, r.RoleId, (MembershipStatus)r.Status, Time.At(r.CreatedAt));
}
