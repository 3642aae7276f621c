using System.Text.Json;
using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class NotificationSettingsStore(IDbContextFactory<CastellanDb> factory) : INotificationSettingsStore
{
    private sealed record Stored(List<int> ReminderDays, List<string> Recipients, Dictionary<string, List<string>> GroupRecipients, long? LowBalanceThresholdMinor);

    public async Task<NotificationTemplate?> GetTemplateAsync(string accountId, NotificationEvent e, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.Set<NotificationTemplateRow>().AsNoTracking().FirstOrDefaultAsync(x => x.AccountId == accountId && x.Event == (int)e, ct);
        return r is null ? null : new NotificationTemplate(r.AccountId, e, r.Subject, r.Text, r.Html, Time.At(r.UpdatedAt));
    }

    public async Task SaveTemplateAsync(NotificationTemplate t, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<NotificationTemplateRow>().FirstOrDefaultAsync(x => x.AccountId == t.AccountId && x.Event == (int)t.Event, ct);
        if (row is null) db.Set<NotificationTemplateRow>().Add(row = new NotificationTemplateRow { AccountId = t.AccountId, Event = (int)t.Event });
        row.Subject = t.Subject;
        row.Text = t.Text;
        row.Html = t.Html;
        row.UpdatedAt = Time.Ms(t.UpdatedAt);
        await db.SaveChangesAsync(ct);
    }

    public async Task<bool> DeleteTemplateAsync(string accountId, NotificationEvent e, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<NotificationTemplateRow>().Where(x => x.AccountId == accountId && x.Event == (int)e).ExecuteDeleteAsync(ct) == 1;
    }

    public async Task<NotificationSettings?> GetSettingsAsync(string accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.Set<NotificationSettingsRow>().AsNoTracking().FirstOrDefaultAsync(x => x.AccountId == accountId, ct);
        if (r is null) return null;
        var s = JsonSerializer.Deserialize<Stored>(r.Json)!;
        return new NotificationSettings(accountId, s.ReminderDays, s.Recipients,
            s.GroupRecipients.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value), s.LowBalanceThresholdMinor);
    }

    public async Task SaveSettingsAsync(NotificationSettings s, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var json = JsonSerializer.Serialize(new Stored([.. s.ReminderDays], [.. s.Recipients], s.GroupRecipients.ToDictionary(kv => kv.Key, kv => kv.Value.ToList()), s.LowBalanceThresholdMinor));
        var row = await db.Set<NotificationSettingsRow>().FirstOrDefaultAsync(x => x.AccountId == s.AccountId, ct);
        if (row is null) db.Set<NotificationSettingsRow>().Add(row = new NotificationSettingsRow { AccountId = s.AccountId });
        row.Json = json;
        await db.SaveChangesAsync(ct);
    }

    public async Task<bool> RecordReminderAsync(string serialHex, int days, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Set<ReminderSentRow>().Add(new ReminderSentRow { SerialHex = serialHex, Days = days, SentAt = Time.Ms(at) });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            return false;
        }
    }
}
