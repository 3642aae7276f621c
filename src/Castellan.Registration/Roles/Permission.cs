namespace Castellan.Registration.Roles;

/// <summary>
/// Granular permissions (seed 003 "Custom Roles: granular permission control"). Built-in roles are fixed sets of
/// these; custom roles are any set. Checked server-side on every endpoint.
/// </summary>
public enum Permission
{
    DashboardView,
    CertificatesRequest,
    OrdersViewOwn,
    OrdersViewGroup,
    OrdersViewAll,
    OrdersApprove,
    OrdersManage,
    OrganizationsManage,
    DomainsManage,
    GroupsManage,
    GroupCreditsAllocate,
    UsersManage,
    UsersInvite,
    CertificateAuthoritiesManage,
    ProductsManage,
    SubAccountsManage,
    SubAccountPriceListsManage,
    FinanceView,
    FinanceManage,
    ApiUse,
    AcmeUse,
    AuditView,
    ReportsView,
    ToolsUse,
    SettingsManage,
    ProfileManage,
    DiscoveryUse,
    KeysManage,
}
