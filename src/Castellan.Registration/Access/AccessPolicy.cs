using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Access;

/// <summary>
/// Which accounts a caller reaches and with which permissions. Operator staff reach every account with their role's
/// permissions. A tenant caller reaches its own account with its role's permissions and, for a partner, its
/// sub-accounts: seeing them always, acting in them only with <see cref="Permission.SubAccountsManage"/>.
/// Everything else is invisible, so callers cannot even learn that another tenant's account exists.
/// </summary>
public static class AccessPolicy
{
    private static readonly IReadOnlySet<Permission> SeeOnly = new HashSet<Permission> { Permission.DashboardView };

    /// <summary>The caller's permissions on <paramref name="target"/>, or null when the account is invisible to the caller.</summary>
    public static IReadOnlySet<Permission>? On(Caller caller, Account target)
    {
        if (caller.IsOperator) return caller.Permissions;
        if (target.Id == caller.AccountId) return caller.Permissions;
        if (target.ParentId is { } parent && parent == caller.AccountId)
            return caller.Permissions.Contains(Permission.SubAccountsManage) ? caller.Permissions : SeeOnly.Intersect(caller.Permissions).ToHashSet();
        return null;
    }

    /// <summary>The account when the caller may do <paramref name="needed"/> on it: NotFound when invisible, Forbidden when visible but not allowed.</summary>
    public static Result<Account> Authorize(Caller caller, Account? target, Permission needed, string requestedId)
    {
        var permissions = target is null ? null : On(caller, target);
        if (permissions is null) return new NotFound("account", $"account '{requestedId}' does not exist");
        return permissions.Contains(needed) ? target! : new Forbidden($"this caller lacks the '{needed}' permission on account '{requestedId}'");
    }

    /// <summary>
    /// A role may only be handed out (to an invitee, a custom role, an API key) by someone who holds every permission
    /// in it, so no one can mint more power than they have.
    /// </summary>
    public static bool CanGrant(IReadOnlySet<Permission> grantor, IReadOnlySet<Permission> granted) => granted.IsSubsetOf(grantor);

    /// <summary>
    /// <see cref="CanGrant(IReadOnlySet{Permission}, IReadOnlySet{Permission})"/> for a caller acting in an account. Operator staff
    /// set up tenants (an RA officer invites a tenant's administrator), so they are bound by it only inside the operator account.
    /// </summary>
    public static bool CanGrant(Caller caller, Account account, IReadOnlySet<Permission> granted) =>
        (caller.IsOperator && !account.IsOperator) || (On(caller, account) is { } held && CanGrant(held, granted));
}
