using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Tests.Access;

public class AccessPolicyTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;
    private static readonly Account Partner = new("acc_partner", "1000000009", AccountKind.Partner, "Partner", null, AccountStatus.Active, At);
    private static readonly Account Sub = new("acc_sub", "2000000008", AccountKind.Enterprise, "Sub", "acc_partner", AccountStatus.Active, At);
    private static readonly Account OtherSub = new("acc_other_sub", "3000000007", AccountKind.Enterprise, "Other sub", "acc_other", AccountStatus.Active, At);
    private static readonly Account Other = new("acc_other", "4000000006", AccountKind.Enterprise, "Other", null, AccountStatus.Active, At);

    private static Caller Tenant(string accountId, Role role) =>
        new("key", "k", role.Id) { UserId = "usr", AccountId = accountId, Permissions = role.Permissions };

    private static Caller Operator(Role role) =>
        new("key", "k", role.Id) { UserId = "usr", AccountId = Account.OperatorId, IsOperator = true, Permissions = role.Permissions };

    [Fact]
    public void Operator_staff_reach_every_account_with_their_role_permissions()
    {
        foreach (var account in new[] { Partner, Sub, Other, OtherSub })
        {
            Assert.Same(OperatorRoles.FinanceOfficer.Permissions, AccessPolicy.On(Operator(OperatorRoles.FinanceOfficer), account));
            Assert.Same(OperatorRoles.RaOfficer.Permissions, AccessPolicy.On(Operator(OperatorRoles.RaOfficer), account));
        }
    }

    [Fact]
    public void A_tenant_reaches_its_own_account_with_its_role_and_nothing_of_another_tenant()
    {
        var caller = Tenant(Other.Id, BuiltInRoles.Administrator);
        Assert.Same(BuiltInRoles.Administrator.Permissions, AccessPolicy.On(caller, Other));
        Assert.Null(AccessPolicy.On(caller, Partner));
        Assert.Null(AccessPolicy.On(caller, Sub));
    }

    [Fact]
    public void A_partner_manager_acts_in_sub_accounts_but_a_basic_user_only_sees_them()
    {
        Assert.Same(BuiltInRoles.Manager.Permissions, AccessPolicy.On(Tenant(Partner.Id, BuiltInRoles.Manager), Sub));
        var basic = AccessPolicy.On(Tenant(Partner.Id, BuiltInRoles.BasicUser), Sub);
        Assert.NotNull(basic);
        Assert.Equal([Permission.DashboardView], basic);
    }

    [Fact]
    public void A_sub_account_member_does_not_reach_its_parent_or_a_sibling()
    {
        var caller = Tenant(Sub.Id, BuiltInRoles.Administrator);
        Assert.Null(AccessPolicy.On(caller, Partner));
        Assert.Null(AccessPolicy.On(caller, new Account("acc_sibling", "5000000005", AccountKind.Enterprise, "Sibling", Partner.Id, AccountStatus.Active, At)));
    }

    [Fact]
    public void Authorize_says_not_found_for_invisible_and_forbidden_for_visible_without_the_permission()
    {
        Assert.IsType<NotFound>(AccessPolicy.Authorize(Tenant(Other.Id, BuiltInRoles.Administrator), Partner, Permission.UsersManage, Partner.Id).Error);
        Assert.IsType<NotFound>(AccessPolicy.Authorize(Tenant(Other.Id, BuiltInRoles.Administrator), null, Permission.UsersManage, "acc_missing").Error);
        Assert.IsType<Forbidden>(AccessPolicy.Authorize(Tenant(Partner.Id, BuiltInRoles.BasicUser), Sub, Permission.UsersManage, Sub.Id).Error);
        Assert.Equal(Sub, AccessPolicy.Authorize(Tenant(Partner.Id, BuiltInRoles.Manager), Sub, Permission.UsersManage, Sub.Id).Value);
    }

    [Fact]
    public void Nobody_grants_a_role_holding_permissions_they_lack()
    {
        Assert.True(AccessPolicy.CanGrant(Tenant(Partner.Id, BuiltInRoles.Manager), Partner, BuiltInRoles.BasicUser.Permissions));
        Assert.False(AccessPolicy.CanGrant(Tenant(Partner.Id, BuiltInRoles.Manager), Partner, BuiltInRoles.Administrator.Permissions));
        Assert.False(AccessPolicy.CanGrant(Tenant(Partner.Id, BuiltInRoles.FinanceManager), Partner, BuiltInRoles.BasicUser.Permissions));
        // An RA officer sets up tenants (invites their administrators) but cannot make operator administrators.
        var operatorAccount = new Account(Account.OperatorId, "6000000004", AccountKind.Operator, "Operator", null, AccountStatus.Active, At);
        Assert.True(AccessPolicy.CanGrant(Operator(OperatorRoles.RaOfficer), Partner, BuiltInRoles.Administrator.Permissions));
        Assert.False(AccessPolicy.CanGrant(Operator(OperatorRoles.RaOfficer), operatorAccount, OperatorRoles.Administrator.Permissions));
    }
}
