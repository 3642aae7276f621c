using Castellan.Registration.Roles;

namespace Castellan.Registration.Tests;

public class BuiltInRolesTests
{
    [Fact]
    public void Administrator_holds_every_permission()
    {
        foreach (var p in Enum.GetValues<Permission>()) Assert.True(BuiltInRoles.Administrator.Allows(p), p.ToString());
    }

    [Theory]
    [InlineData("standard-user", Permission.UsersManage)]
    [InlineData("standard-user", Permission.OrdersApprove)]
    [InlineData("basic-user", Permission.OrdersViewGroup)]
    [InlineData("basic-user", Permission.FinanceView)]
    [InlineData("discovery-user", Permission.CertificatesRequest)]
    [InlineData("finance-manager", Permission.OrdersApprove)]
    [InlineData("manager", Permission.FinanceManage)]
    [InlineData("sub-account-user", Permission.OrdersViewGroup)]
    public void Roles_lack_what_the_seed_withholds(string roleId, Permission permission) =>
        Assert.False(BuiltInRoles.All.Single(r => r.Id == roleId).Allows(permission));

    [Theory]
    [InlineData("standard-user", true)]
    [InlineData("basic-user", true)]
    [InlineData("administrator", false)]
    [InlineData("manager", false)]
    public void Orders_of_standard_and_basic_users_need_administrator_approval(string roleId, bool needs) =>
        Assert.Equal(needs, BuiltInRoles.NeedsAdministratorApproval(BuiltInRoles.All.Single(r => r.Id == roleId)));
}
