using System.Text.RegularExpressions;
using Castellan.Registration.Roles;

namespace Castellan.Portal.Roles;

/// <summary>
/// How the role form groups the RA's permissions into checkboxes. Presentation only: the RA decides what each
/// permission allows. A permission the RA adds later and this list does not know lands in "Other", so none is hidden.
/// </summary>
internal static partial class PermissionGroups
{
    private static readonly (string Title, Permission[] Permissions)[] Known =
    [
        ("Certificates and orders", [Permission.CertificatesRequest, Permission.OrdersViewOwn, Permission.OrdersViewGroup, Permission.OrdersViewAll, Permission.OrdersApprove, Permission.OrdersManage]),
        ("Organisations, domains and groups", [Permission.OrganizationsManage, Permission.DomainsManage, Permission.GroupsManage, Permission.GroupCreditsAllocate]),
        ("Users and settings", [Permission.UsersManage, Permission.UsersInvite, Permission.SettingsManage, Permission.AuditView, Permission.ProfileManage]),
        ("Catalogue and sub-accounts", [Permission.CertificateAuthoritiesManage, Permission.ProductsManage, Permission.SubAccountsManage, Permission.SubAccountPriceListsManage]),
        ("Billing", [Permission.FinanceView, Permission.FinanceManage]),
        ("Dashboard, reports and tools", [Permission.DashboardView, Permission.ReportsView, Permission.ToolsUse, Permission.ApiUse, Permission.AcmeUse, Permission.DiscoveryUse, Permission.KeysManage]),
    ];

    public static IReadOnlyList<(string Title, IReadOnlyList<Permission> Permissions)> All { get; } = Build();

    /// <summary>"OrdersViewOwn" reads "Orders view own".</summary>
    public static string Label(Permission p)
    {
        var words = Words().Replace(p.ToString(), " $1").ToLowerInvariant();
        return char.ToUpperInvariant(words[0]) + words[1..];
    }

    private static List<(string, IReadOnlyList<Permission>)> Build()
    {
        var list = Known.Select(g => (g.Title, (IReadOnlyList<Permission>)g.Permissions.Where(Enum.IsDefined).ToList())).ToList();
        var other = Enum.GetValues<Permission>().Except(Known.SelectMany(g => g.Permissions)).ToList();
        if (other.Count > 0) list.Add(("Other", other));
        return list;
    }

    [GeneratedRegex("(?<=[a-z])([A-Z])")]
    private static partial Regex Words();
}
