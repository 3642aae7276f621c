using Castellan.Billing.Contracts;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Orders;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Dashboard;

/// <summary>The dashboard as one caller may see it; <see cref="Balance"/> is null without FinanceView or before the first credit.</summary>
public sealed record DashboardView(string? AccountId, DashboardFigures Figures, Money? Balance, bool LowBalance)
{
    /// <summary>The threshold <see cref="LowBalance"/> was judged against, in the balance's minor units.</summary>
    public long LowBalanceThresholdMinor { get; init; } = ReadDashboard.LowBalanceMinor;

    public int PendingApprovals => Figures.OrdersByStatus.GetValueOrDefault(OrderStatus.PendingApproval) + Figures.OrdersByStatus.GetValueOrDefault(OrderStatus.PendingParentApproval);
}

/// <summary>
/// Dashboard figures scoped exactly like <see cref="OrderService.ListAsync"/>: a tenant sees its account (only its own
/// orders unless its role sees the account's); operator staff see the platform, or one account they name.
/// </summary>
public sealed class ReadDashboard(IDashboardReadModel readModel, IAccountStore accounts, ILedgerStore ledger, INotificationSettingsStore settings, TimeProvider clock)
{
    /// <summary>
    /// Below this many minor units (in the balance's currency) the dashboard warns that orders may be refused, unless
    /// the account set its own threshold (Settings > Notifications, the same one the low-balance email uses).
    /// </summary>
    public const long LowBalanceMinor = 10_000;

    public const int Weeks = 8;

    public async Task<Result<DashboardView>> ReadAsync(Caller caller, string? accountId, CancellationToken ct)
    {
        string? scope = string.IsNullOrWhiteSpace(accountId) ? (caller.IsOperator ? null : caller.AccountId) : accountId.Trim();
        string? placedBy = null;
        IReadOnlySet<Permission> permissions = caller.Permissions;
        if (scope is not null)
        {
            var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(scope, ct), Permission.DashboardView, scope);
            if (account.IsError) return account.Error;
            permissions = AccessPolicy.On(caller, account.Value)!;
        }
        else if (!permissions.Contains(Permission.DashboardView))
        {
            return new Forbidden("this caller lacks the 'DashboardView' permission");
        }
        if (!SeesAll(permissions)) placedBy = caller.Actor;

        var figures = await readModel.ReadAsync(new DashboardScope(scope, placedBy), clock.GetUtcNow(), Weeks, ct);
        Money? balance = null;
        var threshold = LowBalanceMinor;
        if (scope is not null && permissions.Contains(Permission.FinanceView))
        {
            balance = await ledger.FindBalanceAsync(LedgerAccount.AccountCode(scope), ct);
            threshold = (await settings.GetSettingsAsync(scope, ct))?.LowBalanceThresholdMinor ?? LowBalanceMinor;
        }
        return new DashboardView(scope, figures, balance, balance is { } b && b.Minor < threshold) { LowBalanceThresholdMinor = threshold };
    }

    private static bool SeesAll(IReadOnlySet<Permission> p) =>
        p.Contains(Permission.OrdersViewAll) || p.Contains(Permission.OrdersApprove) || p.Contains(Permission.OrdersManage);
}
