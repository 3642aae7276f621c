using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Notifications;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Users;

public sealed record InviteUserRequest(string? Email, string? Name, string? Role);

public sealed record EditUserRequest(string? Name, string? Mobile, string? Role);

public sealed record Member(User User, Membership Membership);

/// <summary>Users of an account: invite (seed 003 "Create user invitations and assign roles"), activate, edit, deactivate.</summary>
public sealed class UserService(IUserStore users, IAccountStore accounts, IActivationTokenStore tokens, RoleCatalog roles, ActivationLinks links,
    IAuditLog audit, TimeProvider clock)
{
    public async Task<Result<Member>> InviteAsync(Caller caller, string accountId, InviteUserRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.UsersInvite, accountId);
        if (account.IsError) return account.Error;
        if (account.Value.Status == AccountStatus.Suspended) return new Conflict($"account '{accountId}' is suspended");
        var email = Fields.Email(r.Email);
        if (email.IsError) return email.Error;
        var name = Fields.Name(r.Name ?? email.Value, "name");
        if (name.IsError) return name.Error;
        var role = await GrantableRoleAsync(caller, account.Value, r.Role, ct);
        if (role.IsError) return role.Error;

        var now = clock.GetUtcNow();
        var user = await users.FindByEmailAsync(email.Value, ct);
        if (user is { Status: UserStatus.Deactivated }) return new Conflict("that login is deactivated");
        if (user is not null && await users.GetMembershipAsync(user.Id, accountId, ct) is { Status: MembershipStatus.Active })
            return new Conflict("that user is already a member of this account");
        if (user is null)
        {
            user = new User(Ids.New("usr"), email.Value, name.Value, null, UserStatus.Invited, null, 0, null, now);
            if (!await users.AddAsync(user, ct)) return new Conflict("that email was registered at the same moment; retry");
        }
        var membership = new Membership(user.Id, accountId, role.Value.Id, MembershipStatus.Active, now);
        await users.SaveMembershipAsync(membership, ct);
        var a = account.Value;
        if (user.Status == UserStatus.Invited)
            await links.SendAsync(user, accountId, $"You are invited to {a.Name} on Castellan", $"You are invited to {a.Name} (account {a.Number}) as {role.Value.Name}.", ct, NotificationEvent.Invitation);
        else
            await links.NotifyAsync(user.Email, $"You were added to {a.Name} on Castellan",
                $"Hello {user.Name},\n\nYou now belong to {a.Name} (account {a.Number}) as {role.Value.Name}. Sign in with your existing password.", ct);
        await Audit(caller, origin, "user.invited", user.Id, new { user = user.Id, account = accountId, role = role.Value.Id }, ct);
        return new Member(user, membership);
    }

    /// <summary>
    /// What the "Activate Your Account" page shows before a password is typed: the login the link activates, or why
    /// the link cannot be used. Reading a link changes nothing; only <see cref="ActivateAsync"/> consumes it.
    /// </summary>
    public async Task<Result<User>> InspectActivationLinkAsync(string? token, CancellationToken ct)
    {
        var link = await UsableLinkAsync(token, ct);
        return link.IsError ? link.Error : link.Value.User;
    }

    /// <summary>
    /// Redeems an activation link: sets the password, activates the login and every account it belongs to that waited
    /// for activation. The token is consumed atomically before anything changes, so a link works exactly once.
    /// </summary>
    public async Task<Result<User>> ActivateAsync(string? token, string? password, RequestOrigin origin, CancellationToken ct)
    {
        if (MissingToken(token) is { } missing) return missing;
        if (PasswordHasher.CheckPolicy(password) is { } weak) return weak;
        var link = await UsableLinkAsync(token, ct);
        if (link.IsError) return link.Error;
        var (user, hash) = link.Value;
        var passwordHash = PasswordHasher.Hash(password!);
        if (!await tokens.ConsumeAsync(hash, clock.GetUtcNow(), ct)) return new Conflict("the activation link was already used");

        user = user with { Status = UserStatus.Active, PasswordHash = passwordHash, FailedSignIns = 0, LockedUntil = null };
        await users.UpdateAsync(user, ct);
        foreach (var m in await users.ListMembershipsAsync(user.Id, ct))
        {
            if (m.Status == MembershipStatus.Active) await accounts.TransitionAsync(m.AccountId, AccountStatus.PendingActivation, AccountStatus.Active, ct);
        }
        await audit.AppendAsync(new AuditEvent($"user:{user.Id}", "user.activated", $"user:{user.Id}", JsonSerializer.Serialize(new { user = user.Id }), origin.Address), ct);
        return user;
    }

    // Checked first in ActivateAsync too, so a request without a token is told so before any password rule.
    private static MalformedInput? MissingToken(string? token) =>
        string.IsNullOrEmpty(token) || token.Length > 100 ? new MalformedInput("'token' from the activation link is required") : null;

    private async Task<Result<(User User, string Hash)>> UsableLinkAsync(string? token, CancellationToken ct)
    {
        if (MissingToken(token) is { } missing) return missing;
        var hash = ApiKeyService.Hash(token!);
        var stored = await tokens.FindAsync(hash, ct);
        if (stored is null) return new MalformedInput("the activation link is not valid");
        if (stored.UsedAt is not null) return new Conflict("the activation link was already used");
        if (stored.ExpiresAt <= clock.GetUtcNow()) return new PolicyViolation("activation-link-expired", "the activation link has expired; ask for a new invitation");
        var user = await users.GetAsync(stored.UserId, ct);
        if (user is null or { Status: UserStatus.Deactivated }) return new Forbidden("this login is deactivated");
        if (user.Status == UserStatus.Active) return new Conflict("this login is already active; sign in with its password");
        return (user, hash);
    }

    public async Task<Result<List<Member>>> ListAsync(Caller caller, string accountId, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.UsersManage, accountId);
        if (account.IsError) return account.Error;
        return (await users.ListMembersAsync(accountId, ct)).Select(m => new Member(m.User, m.Membership)).ToList();
    }

    /// <summary>Edits a member's name, mobile or role in one account. Nobody edits a member more powerful than themselves.</summary>
    public async Task<Result<Member>> EditAsync(Caller caller, string accountId, string userId, EditUserRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var target = await ManageableMemberAsync(caller, accountId, userId, ct);
        if (target.IsError) return target.Error;
        var (account, user, membership) = target.Value;
        if (r.Name is not null)
        {
            var name = Fields.Name(r.Name, "name");
            if (name.IsError) return name.Error;
            user = user with { Name = name.Value };
        }
        if (r.Mobile is not null)
        {
            var mobile = Fields.Mobile(r.Mobile);
            if (mobile.IsError) return mobile.Error;
            user = user with { Mobile = mobile.Value };
        }
        if (r.Role is not null)
        {
            var role = await GrantableRoleAsync(caller, account, r.Role, ct);
            if (role.IsError) return role.Error;
            membership = membership with { RoleId = role.Value.Id };
            await users.SaveMembershipAsync(membership, ct);
        }
        await users.UpdateAsync(user, ct);
        await Audit(caller, origin, "user.edited", userId, new { user = userId, account = accountId, role = membership.RoleId, nameChanged = r.Name is not null, mobileChanged = r.Mobile is not null }, ct);
        return new Member(user, membership);
    }

    /// <summary>
    /// Operator staff deactivate the login everywhere; a tenant deactivates the user's memberships in the accounts it
    /// manages, leaving the login's other accounts alone. API keys stop working at once, because every request
    /// re-reads the user and the membership.
    /// </summary>
    public async Task<Result<User>> DeactivateAsync(Caller caller, string userId, RequestOrigin origin, CancellationToken ct)
    {
        var user = await users.GetAsync(userId, ct);
        if (user is null) return new NotFound("user", $"user '{userId}' does not exist");
        if (caller.IsOperator)
        {
            // Operator staff are themselves members of the operator account: an RA officer cannot switch off an operator administrator.
            if (await users.GetMembershipAsync(userId, Account.OperatorId, ct) is { } staff && await accounts.GetAsync(Account.OperatorId, ct) is { } operatorAccount
                && await roles.FindAsync(operatorAccount, staff.RoleId, ct) is { } staffRole && !AccessPolicy.CanGrant(caller, operatorAccount, staffRole.Permissions))
                return new Forbidden("a member whose role holds permissions this caller lacks can only be changed by someone who holds them");
            user = user with { Status = UserStatus.Deactivated };
            await users.UpdateAsync(user, ct);
            await Audit(caller, origin, "user.deactivated", userId, new { user = userId, scope = "login" }, ct);
            return user;
        }
        var changed = new List<string>();
        var forbidden = false;
        foreach (var m in await users.ListMembershipsAsync(userId, ct))
        {
            var target = await ManageableMemberAsync(caller, m.AccountId, userId, ct);
            if (target.IsError) { forbidden |= target.Error is Forbidden; continue; }
            if (m.Status == MembershipStatus.Deactivated) continue;
            await users.SaveMembershipAsync(m with { Status = MembershipStatus.Deactivated }, ct);
            changed.Add(m.AccountId);
        }
        if (changed.Count == 0)
            return forbidden ? new Forbidden($"this caller may not deactivate user '{userId}'") : new NotFound("user", $"user '{userId}' does not exist");
        await Audit(caller, origin, "user.deactivated", userId, new { user = userId, scope = "memberships", accounts = changed }, ct);
        return user;
    }

    private async Task<Result<(Account Account, User User, Membership Membership)>> ManageableMemberAsync(Caller caller, string accountId, string userId, CancellationToken ct)
    {
        var account = await accounts.GetAsync(accountId, ct);
        var permissions = account is null ? null : AccessPolicy.On(caller, account);
        var membership = permissions is null ? null : await users.GetMembershipAsync(userId, accountId, ct);
        var user = membership is null ? null : await users.GetAsync(userId, ct);
        if (account is null || permissions is null || membership is null || user is null) return new NotFound("user", $"user '{userId}' does not exist");
        if (!permissions.Contains(Permission.UsersManage)) return new Forbidden($"this caller lacks the 'UsersManage' permission on account '{accountId}'");
        var current = await roles.FindAsync(account, membership.RoleId, ct);
        if (current is not null && !AccessPolicy.CanGrant(caller, account, current.Permissions))
            return new Forbidden("a member whose role holds permissions this caller lacks can only be changed by someone who holds them");
        return (account, user, membership);
    }

    private async Task<Result<Role>> GrantableRoleAsync(Caller caller, Account account, string? roleId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(roleId)) return new MalformedInput("'role' is required");
        if (roleId.Length > 100) return new MalformedInput("'role' is too long");
        var role = await roles.FindAsync(account, roleId, ct);
        if (role is null) return new PolicyViolation("unknown-role", $"role '{roleId}' does not exist in this account");
        return AccessPolicy.CanGrant(caller, account, role.Permissions) ? role : new Forbidden($"role '{roleId}' holds permissions this caller lacks");
    }

    private Task Audit(Caller caller, RequestOrigin origin, string action, string userId, object details, CancellationToken ct) =>
        audit.AppendAsync(new AuditEvent(caller.Actor, action, $"user:{userId}", JsonSerializer.Serialize(details), origin.Address), ct);
}
