using System.Text.Json;
using Castellan.Auditing;
using Castellan.Billing.Contracts;
using Castellan.Billing.Groups;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Groups;

/// <summary>A group with its finance settings (null for the default group, which pays from the account balance).</summary>
public sealed record GroupDetails(Group Group, GroupFinance? Finance);

/// <summary>A group's balance and its allocation, deallocation and order history, newest first.</summary>
public sealed record GroupStatement(Group Group, Money? Balance, IReadOnlyList<Journal> History);

/// <summary>
/// Seed 003 "Groups": create and edit groups (GroupsManage), allocate and deallocate credits (GroupCreditsAllocate),
/// read balance and history (FinanceView). Finance settings live in Castellan.Billing and are pushed there through
/// <see cref="ConfigureGroupFinance"/>; money moves only through <see cref="AllocateToGroup"/>. Every change is audited.
/// </summary>
public sealed class GroupService(
    IGroupStore groups,
    IAccountStore accounts,
    IUserStore users,
    ILedgerStore ledger,
    ConfigureGroupFinance finance,
    AllocateToGroup allocations,
    IAuditLog audit,
    TimeProvider clock)
{
    public const int MaxGroupsPerAccount = 200;

    /// <summary>The groups the caller may order through; all of them for callers holding GroupsManage.</summary>
    public async Task<Result<IReadOnlyList<GroupDetails>>> ListAsync(Caller caller, string accountId, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.DashboardView, accountId);
        if (account.IsError) return account.Error;
        await EnsureDefaultAsync(accountId, ct);
        var seesAll = AccessPolicy.On(caller, account.Value)!.Contains(Permission.GroupsManage);
        var list = new List<GroupDetails>();
        foreach (var g in await groups.ListAsync(accountId, ct))
        {
            if (seesAll || MayUse(caller, g)) list.Add(new GroupDetails(g, g.IsDefault ? null : await ledger.FindGroupFinanceAsync(g.Id, ct)));
        }
        return list;
    }

    public async Task<Result<GroupDetails>> GetAsync(Caller caller, string accountId, string groupId, CancellationToken ct)
    {
        var found = await FindAsync(caller, accountId, groupId, Permission.DashboardView, ct);
        if (found.IsError) return found.Error;
        var (account, group) = found.Value;
        if (!AccessPolicy.On(caller, account)!.Contains(Permission.GroupsManage) && !MayUse(caller, group)) return Missing(groupId);
        return new GroupDetails(group, group.IsDefault ? null : await ledger.FindGroupFinanceAsync(group.Id, ct));
    }

    public async Task<Result<GroupDetails>> CreateAsync(Caller caller, string accountId, GroupRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.GroupsManage, accountId);
        if (account.IsError) return account.Error;
        var now = clock.GetUtcNow();
        var blank = new Group(Ids.New("grp"), accountId, "", false, GroupUserAccess.AllUsers, [], GroupScope.All, [], GroupScope.All, [], now, now);
        var group = await ApplyAsync(blank, r with { UserAccess = r.UserAccess ?? "all-users", OrganizationScope = r.OrganizationScope ?? "all", DomainScope = r.DomainScope ?? "all" }, requireName: true, ct);
        if (group.IsError) return group.Error;
        var settings = GroupInput.Finance(r.Finance, null);
        if (settings.IsError) return settings.Error;
        await EnsureDefaultAsync(accountId, ct);
        if ((await groups.ListAsync(accountId, ct)).Count >= MaxGroupsPerAccount)
            return new PolicyViolation("groups.count", $"an account has at most {MaxGroupsPerAccount} groups");
        if (!await groups.AddAsync(group.Value, ct)) return new Conflict($"the account already has a group named '{group.Value.Name}'") { Field = "name" };
        var (mode, currency, limit, period) = settings.Value;
        var configured = await finance.ConfigureAsync(new GroupFinance(group.Value.Id, accountId, mode, currency, limit, period), caller.Actor, ct);
        if (configured.IsError)
        {
            // Everything was checked above, so this is a race on Billing's side; leave no group without finance behind.
            await groups.RemoveAsync(group.Value.Id, ct);
            return configured.Error;
        }
        await AuditAsync(caller, "group.created", group.Value, origin, null);
        return new GroupDetails(group.Value, configured.Value);
    }

    /// <summary>Only the fields given change. The default group's finance is the account balance's and cannot be set.</summary>
    public async Task<Result<GroupDetails>> UpdateAsync(Caller caller, string accountId, string groupId, GroupRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var found = await FindAsync(caller, accountId, groupId, Permission.GroupsManage, ct);
        if (found.IsError) return found.Error;
        var before = found.Value.Group;
        if (before.IsDefault && r.Finance is not null)
            return new PolicyViolation("group.default-finance", "the default group pays from the account balance; create another group for its own balance or spend limit");
        var group = await ApplyAsync(before, r, requireName: false, ct);
        if (group.IsError) return group.Error;
        var current = before.IsDefault ? null : await ledger.FindGroupFinanceAsync(before.Id, ct);
        GroupFinance? next = current;
        if (r.Finance is not null)
        {
            var settings = GroupInput.Finance(r.Finance, current);
            if (settings.IsError) return settings.Error;
            var (mode, currency, limit, period) = settings.Value;
            next = new GroupFinance(before.Id, accountId, mode, currency, limit, period);
        }
        var updated = group.Value with { UpdatedAt = clock.GetUtcNow() };
        if (!await groups.UpdateAsync(updated, ct)) return new Conflict($"the account already has a group named '{updated.Name}'") { Field = "name" };
        if (r.Finance is not null)
        {
            var configured = await finance.ConfigureAsync(next!, caller.Actor, ct);
            if (configured.IsError)
            {
                await groups.UpdateAsync(before, ct);
                return configured.Error;
            }
        }
        await AuditAsync(caller, "group.updated", updated, origin, new { before = Describe(before) });
        return new GroupDetails(updated, next);
    }

    /// <summary>Seed 003 "Allocate Credits to this Group from Account Balance" (and back); the Idempotency-Key makes a retry post once.</summary>
    public async Task<Result<PostedJournal>> MoveCreditsAsync(Caller caller, string accountId, string groupId, bool allocate, long amountMinor, string? currency, string? key, string? memo, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > 200) return new MalformedInput("an 'Idempotency-Key' header of at most 200 characters is required");
        if (amountMinor <= 0) return new MalformedInput("'amountMinor' must be a positive amount in minor units");
        if (memo is { Length: > 500 }) return new MalformedInput("'memo' may have at most 500 characters");
        var found = await FindAsync(caller, accountId, groupId, Permission.GroupCreditsAllocate, ct);
        if (found.IsError) return found.Error;
        if (found.Value.Group.IsDefault) return new PolicyViolation("group.default-finance", "the default group's balance is the account balance; nothing to allocate");
        var settings = await ledger.FindGroupFinanceAsync(groupId, ct);
        if (settings is null) return new Conflict($"group '{groupId}' has no finance settings");
        var cur = currency?.Trim() is { Length: > 0 } c ? c : settings.Currency;
        if (!Money.IsCurrencyCode(cur)) return new MalformedInput("'currency' must be an ISO 4217 code such as USD");
        var request = new AllocateToGroupRequest(accountId, groupId, new Money(amountMinor, cur), caller.Actor, (allocate ? "allocate:" : "deallocate:") + key.Trim(), memo);
        // Billing audits the posting itself (billing.allocated / billing.deallocated) with every line and the actor.
        return allocate ? await allocations.AllocateAsync(request, ct) : await allocations.DeallocateAsync(request, ct);
    }

    /// <summary>Seed 003 group balance and "Allocation/Deallocation History" (with the group's order debits and refunds).</summary>
    public async Task<Result<GroupStatement>> StatementAsync(Caller caller, string accountId, string groupId, int skip, int take, CancellationToken ct)
    {
        var found = await FindAsync(caller, accountId, groupId, Permission.FinanceView, ct);
        if (found.IsError) return found.Error;
        var group = found.Value.Group;
        if (group.IsDefault)
        {
            // The default group pays from the account: its balance is the account's, its history the orders with no group.
            var accountHistory = await ledger.ListJournalsAsync(accountId, null, skip, take, ct);
            return new GroupStatement(group, await ledger.FindBalanceAsync(LedgerAccount.AccountCode(accountId), ct), accountHistory.Where(j => j.GroupId is null).ToList());
        }
        var balance = await ledger.FindBalanceAsync(LedgerAccount.GroupCode(accountId, groupId), ct);
        return new GroupStatement(group, balance, await ledger.ListJournalsAsync(accountId, groupId, skip, take, ct));
    }

    /// <summary>Every account has a default group; accounts created before groups existed get theirs on first use.</summary>
    public async Task<Group> EnsureDefaultAsync(string accountId, CancellationToken ct)
    {
        var id = Group.DefaultId(accountId);
        if (await groups.GetAsync(id, ct) is { } existing) return existing;
        var now = clock.GetUtcNow();
        var group = new Group(id, accountId, "Default", true, GroupUserAccess.AllUsers, [], GroupScope.All, [], GroupScope.All, [], now, now);
        // A concurrent first use on another request or node inserted it first: the id is the same, so read theirs.
        if (!await groups.AddAsync(group, ct)) return await groups.GetAsync(id, ct) ?? throw new InvalidOperationException($"default group of {accountId} could not be created");
        return group;
    }

    /// <summary>
    /// Seed 003 "User Access": members use a listed-users group only when listed. Callers acting from outside the
    /// account (operator staff, the parent partner ordering for a sub-account) act for the account as a whole.
    /// </summary>
    internal static bool MayUse(Caller caller, Group group) =>
        group.UserAccess == GroupUserAccess.AllUsers || caller.AccountId != group.AccountId || (caller.UserId is { } u && group.UserIds.Contains(u));

    private async Task<Result<(Account Account, Group Group)>> FindAsync(Caller caller, string accountId, string groupId, Permission needed, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), needed, accountId);
        if (account.IsError) return account.Error;
        if (groupId == Group.DefaultId(accountId)) await EnsureDefaultAsync(accountId, ct);
        var group = await groups.GetAsync(groupId, ct);
        // Another account's group answers like a missing one: ids must not reveal other tenants' groups.
        if (group is null || group.AccountId != accountId) return Missing(groupId);
        return (account.Value, group);
    }

    private async Task<Result<Group>> ApplyAsync(Group g, GroupRequest r, bool requireName, CancellationToken ct)
    {
        if (requireName || r.Name is not null)
        {
            var name = GroupInput.Name(r.Name);
            if (name.IsError) return name.Error;
            g = g with { Name = name.Value };
        }
        if (r.UserAccess is not null || r.UserIds is not null)
        {
            var access = r.UserAccess is null ? g.UserAccess : GroupInput.UserAccess(r.UserAccess) is { IsError: false } a ? a.Value : (GroupUserAccess?)null;
            if (access is null) return new MalformedInput("'userAccess' must be 'all-users' or 'listed-users'");
            var ids = (r.UserIds ?? (r.UserAccess is null ? g.UserIds : [])).Select(u => u?.Trim() ?? "").Distinct().ToList();
            if (access == GroupUserAccess.AllUsers && ids.Count > 0) return new MalformedInput("'userIds' must be empty when 'userAccess' is 'all-users'");
            if (access == GroupUserAccess.ListedUsers && ids.Count is 0 or > GroupInput.MaxListed) return new MalformedInput($"'listed-users' needs 1 to {GroupInput.MaxListed} 'userIds'") { Field = "userIds" };
            if (ids.Count > 0)
            {
                var members = (await users.ListMembersAsync(g.AccountId, ct)).Select(m => m.User.Id).ToHashSet();
                if (ids.FirstOrDefault(u => !members.Contains(u)) is { } stranger) return new NotFound("user", $"user '{stranger}' is not a member of account '{g.AccountId}'");
            }
            g = g with { UserAccess = access.Value, UserIds = ids };
        }
        if (r.OrganizationScope is not null || r.Organizations is not null)
        {
            var scope = r.OrganizationScope is null ? g.OrganizationScope : GroupInput.Scope(r.OrganizationScope, "organizationScope") is { IsError: false } s ? s.Value : (GroupScope?)null;
            if (scope is null) return new MalformedInput("'organizationScope' must be 'all' or 'specific'");
            var list = GroupInput.List(scope.Value, r.Organizations ?? (r.OrganizationScope is null ? g.Organizations : null), "organizations", GroupInput.Organization);
            if (list.IsError) return list.Error;
            g = g with { OrganizationScope = scope.Value, Organizations = list.Value };
        }
        if (r.DomainScope is not null || r.Domains is not null)
        {
            var scope = r.DomainScope is null ? g.DomainScope : GroupInput.Scope(r.DomainScope, "domainScope") is { IsError: false } s ? s.Value : (GroupScope?)null;
            if (scope is null) return new MalformedInput("'domainScope' must be 'all' or 'specific'");
            var list = GroupInput.List(scope.Value, r.Domains ?? (r.DomainScope is null ? g.Domains : null), "domains", GroupInput.Domain);
            if (list.IsError) return list.Error;
            g = g with { DomainScope = scope.Value, Domains = list.Value };
        }
        return g;
    }

    private static NotFound Missing(string groupId) => new("group", $"group '{groupId}' does not exist");

    private static object Describe(Group g) => new
    {
        name = g.Name, userAccess = GroupInput.Code(g.UserAccess), users = g.UserIds, organizationScope = GroupInput.Code(g.OrganizationScope),
        organizations = g.Organizations, domainScope = GroupInput.Code(g.DomainScope), domains = g.Domains,
    };

    private async Task AuditAsync(Caller caller, string action, Group g, RequestOrigin origin, object? extra) =>
        await audit.AppendAsync(new AuditEvent(caller.Actor, action, $"group:{g.Id}", JsonSerializer.Serialize(new
        {
            group = g.Id, account = g.AccountId, after = Describe(g), details = extra,
        }), origin.Address), CancellationToken.None);
}
