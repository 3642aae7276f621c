using Castellan.Registration.Accounts;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;
using Castellan.Registration.Users;

namespace Castellan.Server.Api.Registration;

public sealed record AccountView(string Id, string Number, string Kind, string Name, string? ParentId, string Status, DateTimeOffset CreatedAt)
{
    public static AccountView From(Account a) => new(a.Id, a.Number, AccountService.Name(a.Kind), a.Name, a.ParentId, AccountService.Name(a.Status), a.CreatedAt);
}

/// <summary>A member as the API shows it: never the password hash or the lockout bookkeeping.</summary>
public sealed record MemberView(string UserId, string Email, string Name, string? Mobile, string UserStatus, string AccountId, string Role, string MembershipStatus)
{
    public static MemberView From(Member m) => new(m.User.Id, m.User.Email, m.User.Name, m.User.Mobile, m.User.Status.ToString().ToLowerInvariant(),
        m.Membership.AccountId, m.Membership.RoleId, m.Membership.Status.ToString().ToLowerInvariant());
}

public sealed record RoleView(string Id, string Name, bool BuiltIn, IReadOnlyList<string> Permissions)
{
    public static RoleView From(Role r) => new(r.Id, r.Name, r.BuiltIn, r.Permissions.Select(p => p.ToString()).Order().ToList());
}

/// <summary>The only response that ever carries a key's secret.</summary>
/// <summary>An API key as a listing shows it: never its hash, and the secret only ever in <see cref="ApiKeyCreatedView"/>.</summary>
public sealed record ApiKeyView(string Id, string Name, string? UserId, string Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyView From(ApiKey k) => new(k.Id, k.Name, k.UserId, k.Role, k.CreatedAt, k.RevokedAt);
}

public sealed record ApiKeyCreatedView(string Id, string Name, string AccountId, string UserId, string Role, DateTimeOffset CreatedAt, string Secret);

public sealed record ActivateBody(string? Token, string? Password);

public sealed record SignUpAcceptedView(string Status, string Message);
