using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Users;

namespace Castellan.Registration.Roles;

public sealed record CreateRoleRequest(string? Name, IReadOnlyList<string>? Permissions);

/// <summary>Seed 003 "Custom Roles": an account's administrator assembles roles from <see cref="Permission"/> values.</summary>
public sealed class CustomRoleService(IAccountStore accounts, ICustomRoleStore store, RoleCatalog catalog, IAuditLog audit)
{
    public async Task<Result<List<Role>>> ListAsync(Caller caller, string accountId, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.UsersManage, accountId);
        if (account.IsError) return account.Error;
        return (await catalog.ListAsync(account.Value, ct)).ToList();
    }

    public async Task<Result<Role>> CreateAsync(Caller caller, string accountId, CreateRoleRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.SettingsManage, accountId);
        if (account.IsError) return account.Error;
        if (account.Value.IsOperator) return new PolicyViolation("operator-roles-fixed", "operator roles are fixed");
        var checkedRole = Check(caller, account.Value, r);
        if (checkedRole.IsError) return checkedRole.Error;
        var (name, permissions) = checkedRole.Value;
        var role = new Role(Ids.New("role"), name, permissions, false);
        if (!await store.AddAsync(accountId, role, ct)) return new Conflict($"account '{accountId}' already has a role named '{name}'") { Field = "name" };
        await AuditAsync(caller, "role.created", accountId, role, origin, ct);
        return role;
    }

    /// <summary>
    /// Renames a custom role or changes its permissions; members holding it get the new permissions on their next
    /// request (callers are resolved afresh each time). Built-in roles are fixed.
    /// </summary>
    public async Task<Result<Role>> UpdateAsync(Caller caller, string accountId, string roleId, CreateRoleRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.SettingsManage, accountId);
        if (account.IsError) return account.Error;
        if (BuiltInRoles.All.Any(b => b.Id == roleId) || account.Value.IsOperator) return new PolicyViolation("built-in-roles-fixed", "built-in roles cannot be changed");
        var existing = await store.GetAsync(accountId, roleId, ct);
        if (existing is null) return new NotFound("role", $"role '{roleId}' does not exist");
        // Whoever edits a role must hold what it grants now, too: otherwise they could take power from a stronger role's holders.
        if (!AccessPolicy.CanGrant(caller, account.Value, existing.Permissions)) return new Forbidden("a custom role may only be changed by someone who holds every permission it grants");
        var checkedRole = Check(caller, account.Value, r);
        if (checkedRole.IsError) return checkedRole.Error;
        var (name, permissions) = checkedRole.Value;
        var role = existing with { Name = name, Permissions = permissions };
        if (!await store.UpdateAsync(accountId, role, ct)) return new Conflict($"account '{accountId}' already has a role named '{name}'") { Field = "name" };
        await AuditAsync(caller, "role.updated", accountId, role, origin, ct);
        return role;
    }

    private static Result<(string Name, HashSet<Permission> Permissions)> Check(Caller caller, Account account, CreateRoleRequest r)
    {
        var name = Fields.Name(r.Name, "name");
        if (name.IsError) return name.Error;
        if (r.Permissions is not { Count: > 0 } requested) return new MalformedInput("'permissions' must list at least one permission") { Field = "permissions" };
        if (requested.Count > 100) return new MalformedInput("'permissions' lists too many entries") { Field = "permissions" };
        var permissions = new HashSet<Permission>();
        foreach (var p in requested)
        {
            if (p is null || p.Length > 64 || !Enum.TryParse<Permission>(p, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(p, out _))
                return new MalformedInput($"unknown permission '{Truncate(p)}'") { Field = "permissions" };
            permissions.Add(parsed);
        }
        if (!AccessPolicy.CanGrant(caller, account, permissions)) return new Forbidden("a custom role may only hold permissions the caller holds") { Field = "permissions" };
        if (BuiltInRoles.All.Any(b => string.Equals(b.Name, name.Value, StringComparison.OrdinalIgnoreCase)))
            return new Conflict($"'{name.Value}' is the name of a built-in role") { Field = "name" };
        return (name.Value, permissions);
    }

    private Task AuditAsync(Caller caller, string action, string accountId, Role role, RequestOrigin origin, CancellationToken ct) =>
        audit.AppendAsync(new AuditEvent(caller.Actor, action, $"role:{role.Id}",
            JsonSerializer.Serialize(new { account = accountId, role = role.Id, name = role.Name, permissions = role.Permissions.Select(p => p.ToString()).Order() }), origin.Address), ct);

    private static string Truncate(string? s) => s is null ? "" : s.Length > 40 ? s[..40] + "…" : s;
}
