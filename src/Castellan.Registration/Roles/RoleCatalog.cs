using Castellan.Registration.Contracts;

namespace Castellan.Registration.Roles;

/// <summary>The roles a membership in an account may hold: operator roles in the operator account; built-in and the
/// account's custom roles elsewhere. Sub Account User exists only for partners and their sub-accounts (seed 003).</summary>
public sealed class RoleCatalog(ICustomRoleStore customRoles)
{
    public async Task<Role?> FindAsync(Account account, string roleId, CancellationToken ct)
    {
        if (account.IsOperator) return OperatorRoles.Find(roleId);
        var builtIn = BuiltInRoles.All.FirstOrDefault(r => r.Id == roleId);
        if (builtIn is not null) return builtIn == BuiltInRoles.SubAccountUser && !IsPartnerSide(account) ? null : builtIn;
        return await customRoles.GetAsync(account.Id, roleId, ct);
    }

    public async Task<IReadOnlyList<Role>> ListAsync(Account account, CancellationToken ct)
    {
        if (account.IsOperator) return OperatorRoles.All;
        var builtIn = BuiltInRoles.All.Where(r => r != BuiltInRoles.SubAccountUser || IsPartnerSide(account));
        return [.. builtIn, .. await customRoles.ListAsync(account.Id, ct)];
    }

    private static bool IsPartnerSide(Account account) => account.Kind == AccountKind.Partner || account.ParentId is not null;
}
