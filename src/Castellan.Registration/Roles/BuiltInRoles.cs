using static Castellan.Registration.Roles.Permission;

namespace Castellan.Registration.Roles;

/// <summary>A named set of permissions. Built-in roles follow seed 003's role descriptions; accounts add custom ones.</summary>
public sealed record Role(string Id, string Name, IReadOnlySet<Permission> Permissions, bool BuiltIn)
{
    public bool Allows(Permission permission) => Permissions.Contains(permission);
}

/// <summary>
/// The seven tenant roles of seed 003. Where the seed's prose says "Manage: private and public CAs" for a Standard
/// User we read it as requesting from them (the seed's Standard User "lacks administrative permissions").
/// </summary>
public static class BuiltInRoles
{
    public static readonly Role Administrator = new("administrator", "Administrator", Enum.GetValues<Permission>().ToHashSet(), true);

    public static readonly Role Manager = new("manager", "Manager", new HashSet<Permission>
    {
        DashboardView, CertificatesRequest, OrdersViewOwn, OrdersViewGroup, OrdersViewAll, OrdersApprove, OrdersManage,
        OrganizationsManage, DomainsManage, GroupsManage, GroupCreditsAllocate, UsersManage, UsersInvite,
        CertificateAuthoritiesManage, ProductsManage, SubAccountsManage, SubAccountPriceListsManage, FinanceView,
        ApiUse, AcmeUse, AuditView, ReportsView, ToolsUse, ProfileManage,
    }, true);

    public static readonly Role FinanceManager = new("finance-manager", "Finance Manager", new HashSet<Permission>
    {
        DashboardView, OrdersViewOwn, GroupsManage, GroupCreditsAllocate, UsersManage, SubAccountsManage, SubAccountPriceListsManage,
        CertificateAuthoritiesManage, ProductsManage, FinanceView, FinanceManage, ApiUse, AcmeUse, AuditView, ReportsView, ToolsUse, ProfileManage,
    }, true);

    public static readonly Role StandardUser = new("standard-user", "Standard User", new HashSet<Permission>
    {
        DashboardView, CertificatesRequest, OrdersViewOwn, OrdersViewGroup, ApiUse, AcmeUse, ReportsView, ToolsUse, ProfileManage,
    }, true);

    public static readonly Role BasicUser = new("basic-user", "Basic User", new HashSet<Permission>
    {
        DashboardView, CertificatesRequest, OrdersViewOwn, ApiUse, AcmeUse, ReportsView, ToolsUse, ProfileManage,
    }, true);

    public static readonly Role DiscoveryUser = new("discovery-user", "Discovery User", new HashSet<Permission>
    {
        DashboardView, DiscoveryUse, KeysManage, ToolsUse, ProfileManage,
    }, true);

    /// <summary>Partners only: a user of a sub-account group who requests certificates that the parent approves.</summary>
    public static readonly Role SubAccountUser = new("sub-account-user", "Sub Account User", new HashSet<Permission>
    {
        DashboardView, CertificatesRequest, OrdersViewOwn, ApiUse, ProfileManage,
    }, true);

    public static IReadOnlyList<Role> All { get; } = [Administrator, Manager, FinanceManager, StandardUser, BasicUser, DiscoveryUser, SubAccountUser];

    /// <summary>Seed 003: "Administrator approval is required only when the order is placed by a Standard User or Basic User."</summary>
    public static bool NeedsAdministratorApproval(Role role) => role.Id is "standard-user" or "basic-user";
}
