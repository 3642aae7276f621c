using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Notifications;
using Castellan.Registration.Roles;
using Castellan.Registration.Users;

namespace Castellan.Registration.Accounts;

public sealed record SignUpRequest(string? Kind, string? Name, string? Email, string? Mobile, string? Organization, bool AcceptTerms);

/// <summary>What the sign-up caller learns: only the status a new account of that kind starts in, never whether the email was known.</summary>
public sealed record SignUpAccepted(AccountStatus Status);

public sealed record CreateAccountRequest(string? Kind, string? Name, string? ParentId, string? AdministratorEmail, string? AdministratorName);

/// <summary>Accounts: self-service sign-up, creation by the operator or by a partner (sub-accounts), operator approval.</summary>
public sealed class AccountService(IAccountStore accounts, IUserStore users, ActivationLinks links, IAuditLog audit, TimeProvider clock)
{
    private const int NumberAttempts = 8;

    /// <summary>
    /// Seed 003 sign-up. Retail and enterprise accounts get an activation link at once; partner accounts wait for the
    /// operator's approval and get a confirmation now, the link later. An email that already has a login gets a
    /// notice instead and the response is the same, so sign-up cannot be used to find out who is registered.
    /// </summary>
    public async Task<Result<SignUpAccepted>> SignUpAsync(SignUpRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var kind = ParseKind(r.Kind, allowOperator: false);
        if (kind.IsError) return kind.Error;
        var name = Fields.Name(r.Name, "name");
        if (name.IsError) return name.Error;
        var email = Fields.Email(r.Email);
        if (email.IsError) return email.Error;
        var mobile = Fields.Mobile(r.Mobile);
        if (mobile.IsError) return mobile.Error;
        var organization = Fields.Name(r.Organization, "organization", required: kind.Value != AccountKind.Retail);
        if (organization.IsError) return organization.Error;
        if (!r.AcceptTerms) return new PolicyViolation("terms-not-accepted", "the terms and conditions must be accepted");

        var status = kind.Value == AccountKind.Partner ? AccountStatus.PendingApproval : AccountStatus.PendingActivation;
        var now = clock.GetUtcNow();
        var user = new User(Ids.New("usr"), email.Value, name.Value, mobile.Value, UserStatus.Invited, null, 0, null, now);
        if (!await users.AddAsync(user, ct))
        {
            await links.NotifyAsync(email.Value, "Castellan sign-up",
                "Someone (perhaps you) tried to sign up with this address, which already has a Castellan login. Sign in to add another account; " +
                "if this was not you, you can ignore this message.", ct);
            await audit.AppendAsync(new AuditEvent(origin.Actor, "account.signup-refused", $"email:{email.Value}", "{\"reason\":\"email already registered\"}", origin.Address), ct);
            return new SignUpAccepted(status);
        }

        var accountName = organization.Value.Length > 0 ? organization.Value : name.Value;
        var account = await AddWithNumberAsync(kind.Value, accountName, null, status, now, ct);
        await users.SaveMembershipAsync(new Membership(user.Id, account.Id, BuiltInRoles.Administrator.Id, MembershipStatus.Active, now), ct);
        if (status == AccountStatus.PendingApproval)
            await links.NotifyAsync(user.Email, "Castellan partner sign-up received",
                $"Hello {user.Name},\n\nWe received the partner sign-up for {account.Name} (account {account.Number}). We will send an activation link once it is approved.", ct);
        else
            await links.SendAsync(user, account.Id, "Activate your Castellan account", $"Your account {account.Name} (account {account.Number}) is ready to activate.", ct);
        await audit.AppendAsync(new AuditEvent(origin.Actor, "account.signup", $"account:{account.Id}",
            JsonSerializer.Serialize(new { account = account.Id, number = account.Number, kind = Name(account.Kind), user = user.Id }), origin.Address), ct);
        return new SignUpAccepted(status);
    }

    /// <summary>
    /// Operator staff create any tenant; a partner creates enterprise sub-accounts under itself (seed 003: "Enterprise
    /// accounts do not have access to sub-account creation"). The named administrator is invited by email.
    /// </summary>
    public async Task<Result<Account>> CreateAsync(Caller caller, CreateAccountRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var kind = ParseKind(r.Kind ?? (caller.IsOperator ? null : "enterprise"), allowOperator: false);
        if (kind.IsError) return kind.Error;
        var name = Fields.Name(r.Name, "name");
        if (name.IsError) return name.Error;
        var email = Fields.Email(r.AdministratorEmail);
        if (email.IsError) return email.Error;
        var adminName = Fields.Name(r.AdministratorName ?? email.Value, "administratorName");
        if (adminName.IsError) return adminName.Error;

        string? parentId;
        if (caller.IsOperator)
        {
            parentId = string.IsNullOrEmpty(r.ParentId) ? null : r.ParentId;
        }
        else
        {
            if (r.ParentId is { Length: > 0 } p && p != caller.AccountId) return new NotFound("account", $"account '{p}' does not exist");
            parentId = caller.AccountId;
        }
        if (parentId is not null)
        {
            var parent = AccessPolicy.Authorize(caller, await accounts.GetAsync(parentId, ct), Permission.SubAccountsManage, parentId);
            if (parent.IsError) return parent.Error;
            if (parent.Value.Kind != AccountKind.Partner) return new Forbidden("only partner accounts have sub-accounts");
            if (kind.Value != AccountKind.Enterprise) return new PolicyViolation("sub-account-kind", "a sub-account is an enterprise account");
        }

        var now = clock.GetUtcNow();
        var admin = await users.FindByEmailAsync(email.Value, ct);
        if (admin is { Status: UserStatus.Deactivated }) return new Conflict("that administrator's login is deactivated");
        var isNewUser = admin is null;
        admin ??= new User(Ids.New("usr"), email.Value, adminName.Value, null, UserStatus.Invited, null, 0, null, now);
        if (isNewUser && !await users.AddAsync(admin, ct)) return new Conflict("that email was registered at the same moment; retry");

        var status = admin.Status == UserStatus.Active ? AccountStatus.Active : AccountStatus.PendingActivation;
        var account = await AddWithNumberAsync(kind.Value, name.Value, parentId, status, now, ct);
        await users.SaveMembershipAsync(new Membership(admin.Id, account.Id, BuiltInRoles.Administrator.Id, MembershipStatus.Active, now), ct);
        if (admin.Status == UserStatus.Invited)
            await links.SendAsync(admin, account.Id, "Activate your Castellan account", $"You are the administrator of {account.Name} (account {account.Number}).", ct);
        else
            await links.NotifyAsync(admin.Email, "Castellan: a new account", $"Hello {admin.Name},\n\nYou are now the administrator of {account.Name} (account {account.Number}).", ct);
        await audit.AppendAsync(new AuditEvent(caller.Actor, "account.created", $"account:{account.Id}",
            JsonSerializer.Serialize(new { account = account.Id, number = account.Number, kind = Name(account.Kind), parent = parentId, administrator = admin.Id }), origin.Address), ct);
        return account;
    }

    /// <summary>Operator approval of a partner sign-up; sends the activation link (seed 003 "Account Activation Process").</summary>
    public async Task<Result<Account>> ApproveAsync(Caller caller, string id, RequestOrigin origin, CancellationToken ct)
    {
        if (!caller.IsOperator) return new Forbidden("only operator staff approve accounts");
        var account = await accounts.GetAsync(id, ct);
        if (account is null) return new NotFound("account", $"account '{id}' does not exist");
        if (!await accounts.TransitionAsync(id, AccountStatus.PendingApproval, AccountStatus.PendingActivation, ct))
            return new Conflict($"account '{id}' is not waiting for approval");
        foreach (var (user, membership) in await users.ListMembersAsync(id, ct))
        {
            if (user.Status == UserStatus.Invited && membership.Status == MembershipStatus.Active)
                await links.SendAsync(user, id, "Your Castellan partner account is approved", $"Your partner account {account.Name} (account {account.Number}) was approved.", ct);
        }
        await audit.AppendAsync(new AuditEvent(caller.Actor, "account.approved", $"account:{id}", JsonSerializer.Serialize(new { account = id }), origin.Address), ct);
        return account with { Status = AccountStatus.PendingActivation };
    }

    public async Task<Result<Account>> GetAsync(Caller caller, string id, CancellationToken ct) =>
        AccessPolicy.Authorize(caller, await accounts.GetAsync(id, ct), Permission.DashboardView, id);

    /// <summary>Operator staff list every account; tenants their own and their sub-accounts.</summary>
    public Task<IReadOnlyList<Account>> ListAsync(Caller caller, int skip, int take, CancellationToken ct) =>
        accounts.ListAsync(caller.IsOperator ? null : caller.AccountId, skip, take, ct);

    /// <summary>Creates the operator's own account at first start; operator staff are its members.</summary>
    public async Task EnsureOperatorAccountAsync(CancellationToken ct)
    {
        if (await accounts.GetAsync(Account.OperatorId, ct) is not null) return;
        for (var i = 0; i < NumberAttempts; i++)
        {
            var account = new Account(Account.OperatorId, AccountNumbers.NewRandom(), AccountKind.Operator, "Operator", null, AccountStatus.Active, clock.GetUtcNow());
            if (await accounts.AddAsync(account, ct) || await accounts.GetAsync(Account.OperatorId, ct) is not null) return;
        }
        throw new InvalidOperationException("could not create the operator account");
    }

    public static string Name(AccountKind kind) => kind.ToString().ToLowerInvariant();

    public static string Name(AccountStatus status) => status switch
    {
        AccountStatus.PendingApproval => "pending-approval",
        AccountStatus.PendingActivation => "pending-activation",
        _ => status.ToString().ToLowerInvariant(),
    };

    private async Task<Account> AddWithNumberAsync(AccountKind kind, string name, string? parentId, AccountStatus status, DateTimeOffset now, CancellationToken ct)
    {
        // 10^8 usable numbers per check digit: collisions are rare but possible, and the unique index settles them.
        for (var i = 0; i < NumberAttempts; i++)
        {
            var account = new Account(Ids.New("acc"), AccountNumbers.NewRandom(), kind, name, parentId, status, now);
            if (await accounts.AddAsync(account, ct)) return account;
        }
        throw new InvalidOperationException("no free account number after several draws");
    }

    private static Result<AccountKind> ParseKind(string? kind, bool allowOperator) => kind?.Trim().ToLowerInvariant() switch
    {
        "retail" => AccountKind.Retail,
        "enterprise" => AccountKind.Enterprise,
        "partner" => AccountKind.Partner,
        "operator" when allowOperator => AccountKind.Operator,
        null or "" => new MalformedInput("'kind' is required (retail, enterprise, partner)"),
        _ => new MalformedInput("'kind' must be retail, enterprise or partner"),
    };
}
