using Castellan.Billing.Contracts;
using Castellan.Registration.Contracts;
using Castellan.Registration.Orders;
using Castellan.Registration.Roles;
using Microsoft.Extensions.Logging;

namespace Castellan.Registration.Notifications;

/// <summary>
/// The emails that follow order changes (issue 3 item 12): confirmation to the placer and the order's additional
/// recipients, approval requests to the account's approvers (the parent's for a sub-account order waiting for it),
/// approval, rejection with its reason, certificate ready, revocation, and a low-balance notice when a debit takes the
/// balance below the account's threshold. Called after the change is durable; a failure here is logged and never
/// undoes or fails the order action (the change is already audited).
/// </summary>
public sealed partial class OrderNotifications(Notifier notifier, IUserStore users, IAccountStore accounts, IApiKeyStore keys, RoleCatalog roles,
    INotificationSettingsStore settings, ILedgerStore ledger, ActivationLinks links, ILogger<OrderNotifications> log)
{
    /// <summary>The hook in <see cref="OrderService"/>: <paramref name="action"/> is the audit action just written.</summary>
    public async Task OrderChangedAsync(string action, Order order, CancellationToken ct)
    {
        try
        {
            switch (action)
            {
                case "order.placed":
                    await ToPlacerAsync(order, NotificationEvent.OrderConfirmation, ct, includeAdditional: true);
                    if (order.Status is OrderStatus.PendingApproval or OrderStatus.PendingParentApproval) await ToApproversAsync(order, ct);
                    if (order.DebitJournalId is not null) await LowBalanceAsync(order, ct);
                    break;
                case "order.approved":
                    await ToPlacerAsync(order, NotificationEvent.OrderApproved, ct);
                    break;
                case "order.rejected":
                    await ToPlacerAsync(order, NotificationEvent.OrderRejected, ct);
                    break;
                case "order.fulfilled":
                    await ToPlacerAsync(order, NotificationEvent.CertificateReady, ct, includeAdditional: true);
                    break;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(order.Id, action, e.GetType().Name);
        }
    }

    /// <summary>For the revocation use case: the certificate of <paramref name="order"/> was revoked.</summary>
    public Task RevokedAsync(Order order, string reason, CancellationToken ct) =>
        ToPlacerAsync(order, NotificationEvent.CertificateRevoked, ct, includeAdditional: true, extra: new() { ["reason"] = reason });

    /// <summary>A renewal reminder for one interval to the placer, account-wide recipients and the order's group recipients.</summary>
    public async Task RenewalReminderAsync(Order order, DateTimeOffset notAfter, int days, CancellationToken ct)
    {
        var s = await settings.GetSettingsAsync(order.AccountId, ct) ?? NotificationSettings.Default(order.AccountId);
        var to = new List<(string Email, string Name)>();
        if (await PlacerAsync(order, ct) is { } placer) to.Add((placer.Email, placer.Name));
        to.AddRange(s.Recipients.Select(r => (r, r)));
        if (order.GroupId is { } g && s.GroupRecipients.TryGetValue(g, out var group)) to.AddRange(group.Select(r => (r, r)));
        var when = days > 0 ? $"expires in {days} days" : days == 0 ? "expires today" : $"expired {-days} days ago";
        foreach (var (email, name) in to.DistinctBy(t => t.Email, StringComparer.OrdinalIgnoreCase))
            await notifier.SendAsync(order.AccountId, NotificationEvent.RenewalReminder, email,
                await ValuesAsync(order, name, new() { ["serial"] = order.CertificateSerial ?? "", ["expiresAt"] = notAfter.ToString("u"), ["when"] = when, ["days"] = days.ToString() }, ct), ct);
    }

    private async Task ToPlacerAsync(Order order, NotificationEvent e, CancellationToken ct, bool includeAdditional = false, Dictionary<string, string>? extra = null)
    {
        var to = new List<(string Email, string Name)>();
        if (await PlacerAsync(order, ct) is { } placer) to.Add((placer.Email, placer.Name));
        if (includeAdditional) to.AddRange(order.AdditionalRecipients.Select(r => (r, r)));
        foreach (var (email, name) in to.DistinctBy(t => t.Email, StringComparer.OrdinalIgnoreCase))
            await notifier.SendAsync(order.AccountId, e, email, await ValuesAsync(order, name, extra, ct), ct);
    }

    private async Task ToApproversAsync(Order order, CancellationToken ct)
    {
        var account = await accounts.GetAsync(order.AccountId, ct);
        if (account is null) return;
        var approvingAccount = order.Status == OrderStatus.PendingParentApproval && account.ParentId is { } parent ? await accounts.GetAsync(parent, ct) : account;
        if (approvingAccount is null) return;
        var placedBy = (await PlacerAsync(order, ct))?.Email ?? order.PlacedBy;
        foreach (var (user, membership) in await users.ListMembersAsync(approvingAccount.Id, ct))
        {
            if (user.Status != UserStatus.Active || membership.Status != MembershipStatus.Active) continue;
            var role = await roles.FindAsync(approvingAccount, membership.RoleId, ct);
            if (role is null || !role.Permissions.Contains(Permission.OrdersApprove)) continue;
            await notifier.SendAsync(approvingAccount.Id, NotificationEvent.ApprovalNeeded, user.Email, await ValuesAsync(order, user.Name, new() { ["placedBy"] = placedBy }, ct), ct);
        }
    }

    /// <summary>Sent when this debit crossed the threshold (balance now below it, and not before), so once per crossing.</summary>
    private async Task LowBalanceAsync(Order order, CancellationToken ct)
    {
        var s = await settings.GetSettingsAsync(order.AccountId, ct);
        if (s?.LowBalanceThresholdMinor is not { } threshold || order.GroupId is not null) return;
        var balance = await ledger.FindBalanceAsync(LedgerAccount.AccountCode(order.AccountId), ct);
        if (balance is not { } b || b.Currency != order.Currency || b.Minor >= threshold || b.Minor + order.PriceMinor < threshold) return;
        var account = await accounts.GetAsync(order.AccountId, ct);
        var to = new List<(string Email, string Name)>(s.Recipients.Select(r => (r, r)));
        if (to.Count == 0 && account is not null)
        {
            foreach (var (user, membership) in await users.ListMembersAsync(account.Id, ct))
            {
                var role = await roles.FindAsync(account, membership.RoleId, ct);
                if (user.Status == UserStatus.Active && role is not null && role.Permissions.Contains(Permission.FinanceManage)) to.Add((user.Email, user.Name));
            }
        }
        foreach (var (email, name) in to.DistinctBy(t => t.Email, StringComparer.OrdinalIgnoreCase))
            await notifier.SendAsync(order.AccountId, NotificationEvent.LowBalance, email,
                await ValuesAsync(order, name, new() { ["balance"] = $"{b.Minor} {b.Currency} (minor units)", ["threshold"] = $"{threshold} {b.Currency}" }, ct), ct);
    }

    private async Task<User?> PlacerAsync(Order order, CancellationToken ct)
    {
        if (order.PlacedBy.StartsWith("user:", StringComparison.Ordinal)) return await users.GetAsync(order.PlacedBy["user:".Length..], ct);
        if (order.PlacedBy.StartsWith("apikey:", StringComparison.Ordinal) && await keys.GetAsync(order.PlacedBy["apikey:".Length..], ct) is { UserId: { } id })
            return await users.GetAsync(id, ct);
        return null;
    }

    private async Task<Dictionary<string, string>> ValuesAsync(Order order, string name, Dictionary<string, string>? extra, CancellationToken ct)
    {
        var account = await accounts.GetAsync(order.AccountId, ct);
        var orderLink = $"{links.PortalUrl}/orders/{Uri.EscapeDataString(order.Id)}";
        var values = new Dictionary<string, string>
        {
            ["name"] = name, ["accountName"] = account?.Name ?? "", ["accountNumber"] = account?.Number ?? "", ["portalUrl"] = links.PortalUrl,
            ["orderId"] = order.Id, ["product"] = order.ProductId, ["price"] = $"{order.PriceMinor} {order.Currency} (minor units)",
            ["status"] = order.Status.Display(), ["orderLink"] = orderLink,
            // The read-only tracking link of issue 3 item 10 is not built yet; until it is, the order's portal page stands in.
            ["trackingLink"] = orderLink, ["reason"] = order.StatusReason ?? "", ["serial"] = order.CertificateSerial ?? "",
        };
        if (extra is not null) foreach (var (k, v) in extra) values[k] = v;
        return values;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "notification for order {OrderId} after {Action} was not queued ({Fault})")]
    private partial void LogFailed(string orderId, string action, string fault);
}
