using static Castellan.Registration.Roles.Permission;

namespace Castellan.Registration.Roles;

/// <summary>
/// The platform operator's staff, above all tenants: they see every account. Their permissions are the same
/// <see cref="Permission"/> values, applied to whichever tenant they act on; operator-only actions (approving
/// partners, the CA endpoints) name the operator roles that may perform them.
/// </summary>
public static class OperatorRoles
{
    public static readonly Role Administrator = new(Contracts.Roles.OperatorAdministrator, "Operator Administrator",
        Enum.GetValues<Permission>().ToHashSet(), true);

    /// <summary>Registration officer: vets and approves accounts, manages their users; no finance, no settings.</summary>
    public static readonly Role RaOfficer = new("ra-officer", "RA Officer", new HashSet<Permission>
    {
        DashboardView, OrdersViewOwn, OrdersViewGroup, OrdersViewAll, OrdersApprove, OrdersManage, OrganizationsManage, DomainsManage,
        GroupsManage, UsersManage, UsersInvite, SubAccountsManage, ApiUse, AuditView, ReportsView, ProfileManage,
    }, true);

    /// <summary>Finance officer: reads accounts, manages money; cannot change users or roles.</summary>
    public static readonly Role FinanceOfficer = new("finance-officer", "Finance Officer", new HashSet<Permission>
    {
        DashboardView, OrdersViewOwn, OrdersViewAll, GroupCreditsAllocate, SubAccountPriceListsManage, FinanceView, FinanceManage,
        ApiUse, AuditView, ReportsView, ProfileManage,
    }, true);

    public static IReadOnlyList<Role> All { get; } = [Administrator, RaOfficer, FinanceOfficer];

    public static Role? Find(string id) => All.FirstOrDefault(r => r.Id == id);
}
