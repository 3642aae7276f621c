using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Access;

public sealed record SaveAccountSecurityRequest(bool? SecondFactorRequired, List<string>? AllowedNetworks);

public sealed record SaveUserNetworksRequest(List<string>? AllowedNetworks);

/// <summary>An account's sign-in policy (TOTP enforcement, allowed networks) and per-login allowed networks.</summary>
public sealed class AccountSecurityService(IAccessRestrictionStore store, IAccountStore accounts, IUserStore users, RoleCatalog roles,
    NetworkRestrictions restrictions, IAuditLog audit)
{
    public async Task<Result<AccountSecurity>> GetAsync(Caller caller, string accountId, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.SettingsManage, accountId);
        if (account.IsError) return account.Error;
        return await store.GetAccountAsync(accountId, ct) ?? AccountSecurity.Default(accountId);
    }

    /// <summary>
    /// Saves the policy. A caller may not lock itself out: a network list that excludes the caller's own address is
    /// refused when the caller is a member of this account.
    /// </summary>
    public async Task<Result<AccountSecurity>> SaveAsync(Caller caller, string accountId, SaveAccountSecurityRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.SettingsManage, accountId);
        if (account.IsError) return account.Error;
        var current = await store.GetAccountAsync(accountId, ct) ?? AccountSecurity.Default(accountId);
        var networks = NetworkRestrictions.Parse(r.AllowedNetworks ?? [.. current.AllowedNetworks], "allowedNetworks");
        if (networks.IsError) return networks.Error;
        if (caller.AccountId == accountId && !SelfAllowed(networks.Value, origin))
            return new PolicyViolation("lockout", $"the caller's own address ({origin.Address}) is outside 'allowedNetworks'; include it so you can still reach the account");
        var updated = new AccountSecurity(accountId, r.SecondFactorRequired ?? current.SecondFactorRequired, networks.Value);
        await store.SaveAccountAsync(updated, ct);
        restrictions.Changed();
        await audit.AppendAsync(new AuditEvent(caller.Actor, "account.security-changed", $"account:{accountId}", JsonSerializer.Serialize(new
        {
            account = accountId, before = new { current.SecondFactorRequired, current.AllowedNetworks }, after = new { updated.SecondFactorRequired, updated.AllowedNetworks },
        }), origin.Address), ct);
        return updated;
    }

    public async Task<Result<IReadOnlyList<string>>> GetUserNetworksAsync(Caller caller, string accountId, string userId, CancellationToken ct)
    {
        var refused = await ManageableAsync(caller, accountId, userId, ct);
        if (refused is not null) return refused;
        return (await store.GetUserNetworksAsync(userId, ct)).ToList();
    }

    /// <summary>Per-login ranges, set by someone who manages the user in one of its accounts; they apply in every account of the login.</summary>
    public async Task<Result<IReadOnlyList<string>>> SaveUserNetworksAsync(Caller caller, string accountId, string userId, SaveUserNetworksRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var refused = await ManageableAsync(caller, accountId, userId, ct);
        if (refused is not null) return refused;
        var networks = NetworkRestrictions.Parse(r.AllowedNetworks, "allowedNetworks");
        if (networks.IsError) return networks.Error;
        if (caller.UserId == userId && !SelfAllowed(networks.Value, origin))
            return new PolicyViolation("lockout", $"the caller's own address ({origin.Address}) is outside 'allowedNetworks'");
        var before = await store.GetUserNetworksAsync(userId, ct);
        await store.SaveUserNetworksAsync(userId, networks.Value, ct);
        restrictions.Changed();
        await audit.AppendAsync(new AuditEvent(caller.Actor, "user.networks-changed", $"user:{userId}",
            JsonSerializer.Serialize(new { user = userId, account = accountId, before, after = networks.Value }), origin.Address), ct);
        return networks;
    }

    private static bool SelfAllowed(IReadOnlyList<string> networks, RequestOrigin origin) =>
        NetworkRestrictions.Contains(networks.Select(n => System.Net.IPNetwork.Parse(n)).ToList(),
            System.Net.IPAddress.TryParse(origin.Address, out var a) ? a : null);

    private async Task<CastellanError?> ManageableAsync(Caller caller, string accountId, string userId, CancellationToken ct)
    {
        var account = await accounts.GetAsync(accountId, ct);
        var permissions = account is null ? null : AccessPolicy.On(caller, account);
        var membership = permissions is null ? null : await users.GetMembershipAsync(userId, accountId, ct);
        if (account is null || permissions is null || membership is null) return new NotFound("user", $"user '{userId}' does not exist");
        if (!permissions.Contains(Permission.UsersManage)) return new Forbidden($"this caller lacks the 'UsersManage' permission on account '{accountId}'");
        var role = await roles.FindAsync(account, membership.RoleId, ct);
        if (role is not null && !AccessPolicy.CanGrant(caller, account, role.Permissions))
            return new Forbidden("a member whose role holds permissions this caller lacks can only be changed by someone who holds them");
        return null;
    }
}
