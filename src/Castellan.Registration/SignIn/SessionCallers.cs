using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.SignIn;

/// <summary>
/// The <see cref="Caller"/> of a signed-in browser session: the same shape an API key of that membership resolves
/// to (<see cref="Access.ApiKeyService"/>), so the RA applies the same tenant rules and audits the same actor
/// (<c>user:ID</c>). Resolved afresh for every page, so deactivating the login or the membership, suspending the
/// account or changing the role takes effect on the next page.
/// </summary>
public sealed class SessionCallers(IUserStore users, IAccountStore accounts, RoleCatalog roles)
{
    /// <summary>Marks callers that came from a portal session rather than an API key.</summary>
    public const string SessionKeyId = "portal-session";

    public async Task<Caller?> ResolveAsync(string userId, string accountId, CancellationToken ct)
    {
        var user = await users.GetAsync(userId, ct);
        var membership = await users.GetMembershipAsync(userId, accountId, ct);
        var account = await accounts.GetAsync(accountId, ct);
        if (user is not { Status: UserStatus.Active } || membership is not { Status: MembershipStatus.Active } || account is not { Status: AccountStatus.Active })
            return null;
        var role = await roles.FindAsync(account, membership.RoleId, ct);
        if (role is null) return null;
        return new Caller(SessionKeyId, user.Name, role.Id) { UserId = user.Id, AccountId = account.Id, IsOperator = account.IsOperator, Permissions = role.Permissions };
    }
}
