using Castellan.Authority.Contracts;
using Castellan.Registration.Contracts;
using Castellan.Registration.Orders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Castellan.Registration.Notifications;

/// <summary>
/// The periodic renewal-reminder job. For each fulfilled order's certificate it finds the latest configured interval
/// already due (e.g. "7 days before" once the certificate has less than 7 days left) and records (serial, interval)
/// under a unique key before queuing the emails: the job is idempotent, on one node or several, so each reminder is
/// sent once. Earlier intervals that were skipped (a short-lived certificate, a server that was down) are not sent late.
/// </summary>
public sealed partial class RenewalReminders(IAccountStore accounts, IOrderStore orders, ICertificateStore certificates, INotificationSettingsStore settings,
    OrderNotifications notices, IOptions<RegistrationOptions> options, TimeProvider clock, ILogger<RenewalReminders> log) : BackgroundService
{
    private const int Page = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReminderCheckInterval;
        if (interval <= TimeSpan.Zero) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e.GetType().Name);
            }
            try { await Task.Delay(interval, clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One pass over every account; returns how many reminders were queued.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var queued = 0;
        for (var skip = 0; ; skip += Page)
        {
            var batch = await accounts.ListAsync(null, skip, Page, ct);
            foreach (var account in batch)
            {
                var days = (await settings.GetSettingsAsync(account.Id, ct) ?? NotificationSettings.Default(account.Id)).ReminderDays;
                if (days.Count == 0) continue;
                queued += await AccountAsync(account.Id, days, now, ct);
            }
            if (batch.Count < Page) return queued;
        }
    }

    private async Task<int> AccountAsync(string accountId, IReadOnlyList<int> days, DateTimeOffset now, CancellationToken ct)
    {
        var queued = 0;
        for (var skip = 0; ; skip += Page)
        {
            var (items, _) = await orders.ListAsync(new OrderQuery(accountId, null, OrderStatus.Fulfilled, null, skip, Page), ct);
            foreach (var order in items)
            {
                if (order.CertificateSerial is not { } hex || !SerialNumber.TryParse(hex, out var serial)) continue;
                var certificate = await certificates.GetAsync(serial, ct);
                if (certificate is not { Status: CertificateStatus.Valid }) continue;
                if (Due(days, certificate.NotAfter, now) is not { } interval) continue;
                if (!await settings.RecordReminderAsync(hex, interval, now, ct)) continue;
                await notices.RenewalReminderAsync(order, certificate.NotAfter, interval, ct);
                queued++;
            }
            if (items.Count < Page) return queued;
        }
    }

    /// <summary>The latest interval (days before expiry; negative: after) whose moment has come, or null.</summary>
    public static int? Due(IReadOnlyList<int> days, DateTimeOffset notAfter, DateTimeOffset now) =>
        days.Where(d => now >= notAfter - TimeSpan.FromDays(d)).Cast<int?>().OrderBy(d => d).FirstOrDefault();

    [LoggerMessage(Level = LogLevel.Warning, Message = "renewal reminder pass failed ({Fault})")]
    private partial void LogFailed(string fault);
}
