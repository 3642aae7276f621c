using Castellan.Authority.Coordination;
using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class AccountStore(IDbContextFactory<CastellanDb> factory, TimeProvider clock, IEnumerable<IAccessChangeListener> callers) : IAccountStore
{
    public async Task<bool> AddAsync(Account a, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Accounts.Add(new AccountRow
        {
            Id = a.Id, Number = a.Number, Kind = (int)a.Kind, Name = a.Name, ParentId = a.ParentId, Status = (int)a.Status, CreatedAt = Time.Ms(a.CreatedAt),
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

    public async Task<Account?> GetAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<IReadOnlyList<Account>> ListAsync(string? visibleTo, int skip, int take, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        IQueryable<AccountRow> q = db.Accounts.AsNoTracking();
        if (visibleTo is not null) q = q.Where(a => a.Id == visibleTo || a.ParentId == visibleTo);
        var rows = await q.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Skip(skip).Take(take).ToListAsync(ct);
        return rows.Select(FromRow).ToList();
    }

    public async Task<bool> TransitionAsync(string id, AccountStatus from, AccountStatus to, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        // One conditional UPDATE, so two racing approvals cannot both succeed.
        return await ChangeLog.CommitAccessChangeAsync(db, async () => await db.Accounts.Where(a => a.Id == id && a.Status == (int)from)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.Status, (int)to), ct) == 1, clock, callers, ct);
    }

    private static Account FromRow(AccountRow r) =>
        new(r.Id, r.Number, (AccountKind)r.Kind, r.Name, r.ParentId, (AccountStatus)r.Status, Time.At(r.CreatedAt));
}
