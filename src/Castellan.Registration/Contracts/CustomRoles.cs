using Castellan.Registration.Roles;

namespace Castellan.Registration.Contracts;

/// <summary>Custom roles (seed 003 "Custom Roles"): defined per account from <see cref="Permission"/> values.</summary>
public interface ICustomRoleStore
{
    /// <summary>False when the account already has a role of that name.</summary>
    Task<bool> AddAsync(string accountId, Role role, CancellationToken ct);

    Task<Role?> GetAsync(string accountId, string roleId, CancellationToken ct);

    Task<IReadOnlyList<Role>> ListAsync(string accountId, CancellationToken ct);

    /// <summary>Replaces the name and permissions; false when the role is gone or the account has another role of that name.</summary>
    Task<bool> UpdateAsync(string accountId, Role role, CancellationToken ct);
}
