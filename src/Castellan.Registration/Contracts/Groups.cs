namespace Castellan.Registration.Contracts;

/// <summary>Seed 003 group "User Access": every member of the account, or only the listed users.</summary>
public enum GroupUserAccess
{
    AllUsers,
    ListedUsers,
}

/// <summary>Seed 003 group "Organisation" and "Domain" scope: everything in the account, or only what is listed.</summary>
public enum GroupScope
{
    All,
    Specific,
}

/// <summary>
/// A group of an account (seed 003 "Groups"): who may order through it, which organisations and domains its orders
/// may name, and (in Castellan.Billing, <c>GroupFinance</c>) which balance pays and its spend limit. Every account has
/// one default group (<see cref="IsDefault"/>, id <see cref="DefaultId"/>): orders that name no group go through it,
/// are stored with no group id and are paid from the account balance, as Billing's <c>DebitOrder</c> expects.
/// </summary>
public sealed record Group(
    string Id,
    string AccountId,
    string Name,
    bool IsDefault,
    GroupUserAccess UserAccess,
    IReadOnlyList<string> UserIds,
    GroupScope OrganizationScope,
    IReadOnlyList<string> Organizations,
    GroupScope DomainScope,
    IReadOnlyList<string> Domains,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The default group's id is derived from the account, so creating it lazily on two nodes creates it once.</summary>
    public static string DefaultId(string accountId) => "grp_default_" + accountId;
}

/// <summary>Group storage, implemented by Castellan.Storage.</summary>
public interface IGroupStore
{
    /// <summary>False when the id, or the name within the account, is taken.</summary>
    Task<bool> AddAsync(Group group, CancellationToken ct);

    Task<Group?> GetAsync(string id, CancellationToken ct);

    /// <summary>The default group first, then by name.</summary>
    Task<IReadOnlyList<Group>> ListAsync(string accountId, CancellationToken ct);

    /// <summary>Replaces the editable fields; false when the group is gone or the new name is taken in the account.</summary>
    Task<bool> UpdateAsync(Group group, CancellationToken ct);

    /// <summary>Removes a group that was never used (a creation whose finance settings failed); nothing else deletes groups.</summary>
    Task RemoveAsync(string id, CancellationToken ct);
}

