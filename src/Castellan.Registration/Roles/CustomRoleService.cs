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
        var name = Fields.Name(r.Name, "name");
        if (name.IsError) return name.Error;
        if (r.Permissions is not { Count: > 0 } requested) return new MalformedInput("'permissions' must list at least one permission");
        if (requested.Count > 100) return new MalformedInput("'permissions' lists too many entries");
        var permissions = new HashSet<Permission>();
        foreach (var p in requested)
        {
            if (p is null || p.Length > 64 || !Enum.TryParse<Permission>(p, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(p, out _))
                return new MalformedInput($"unknown permission '{Truncate(p)}'");
            permissions.Add(parsed);
        }
        if (!AccessPolicy.CanGrant(caller, account.Value, permissions)) return new Forbidden("a custom role may only hold permissions the caller holds");
        if (BuiltInRoles.All.Any(b => string.Equals(b.Name, name.Value, StringComparison.OrdinalIgnoreCase)))
            return new Conflict($"'{name.Value}' is the name of a built-in role");
        var role = new Role(Ids.New("role"), name.Value, permissions, false);
        if (!await store.AddAsync(accountId, role, ct)) return new Conflict($"account '{accountId}' already has a role named '{name.Value}'");
        await audit.AppendAsync(new AuditEvent(caller.Actor, "role.created", $"role:{role.Id}",
            JsonSerializer.Serialize(new { account = accountId, role = role.Id, name = role.Name, permissions = permissions.Select(p => p.ToString()).Order() }), origin.Address), ct);
        return role;
    }

    private static string Truncate(string? s) => s is null ? "" : s.Length > 40 ? s[..40] + "…" : s;
}
