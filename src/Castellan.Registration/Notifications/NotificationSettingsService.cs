using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;
using Castellan.Registration.Users;

namespace Castellan.Registration.Notifications;

/// <summary>A template as the API shows it: the account's own or the built-in one, with the placeholders it may use.</summary>
public sealed record TemplateView(NotificationEvent Event, string Subject, string Text, string? Html, bool Custom, IReadOnlyList<string> Placeholders);

public sealed record SaveTemplateRequest(string? Subject, string? Text, string? Html);

public sealed record SaveNotificationSettingsRequest(List<int>? ReminderDays, List<string>? Recipients, Dictionary<string, List<string>>? GroupRecipients, long? LowBalanceThresholdMinor);

/// <summary>Per-account templates and notification settings; changing them needs <see cref="Permission.SettingsManage"/>.</summary>
public sealed class NotificationSettingsService(INotificationSettingsStore store, IAccountStore accounts, IAuditLog audit, TimeProvider clock)
{
    public const int MaxRecipients = 20;

    public async Task<Result<TemplateView>> GetTemplateAsync(Caller caller, string accountId, string? eventCode, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.SettingsManage, accountId);
        if (account.IsError) return account.Error;
        if (Templates.Parse(eventCode) is not { } e) return UnknownEvent(eventCode);
        var custom = await store.GetTemplateAsync(accountId, e, ct);
        var spec = Templates.BuiltIn[e];
        return custom is null
            ? new TemplateView(e, spec.Subject, spec.Text, null, false, spec.Placeholders)
            : new TemplateView(e, custom.Subject, custom.Text, custom.Html, true, spec.Placeholders);
    }

    public async Task<Result<TemplateView>> SaveTemplateAsync(Caller caller, string accountId, string? eventCode, SaveTemplateRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.SettingsManage, accountId);
        if (account.IsError) return account.Error;
        if (Templates.Parse(eventCode) is not { } e) return UnknownEvent(eventCode);
        if (Templates.Check(e, r.Subject, r.Text, r.Html) is { } bad) return bad;
        await store.SaveTemplateAsync(new NotificationTemplate(accountId, e, r.Subject!.Trim(), r.Text!, r.Html, clock.GetUtcNow()), ct);
        await Audit(caller, origin, "notification.template-saved", accountId, new { account = accountId, @event = Templates.Code(e) }, ct);
        return new TemplateView(e, r.Subject.Trim(), r.Text!, r.Html, true, Templates.BuiltIn[e].Placeholders);
    }

    public async Task<Result<TemplateView>> ResetTemplateAsync(Caller caller, string accountId, string? eventCode, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.SettingsManage, accountId);
        if (account.IsError) return account.Error;
        if (Templates.Parse(eventCode) is not { } e) return UnknownEvent(eventCode);
        await store.DeleteTemplateAsync(accountId, e, ct);
        await Audit(caller, origin, "notification.template-reset", accountId, new { account = accountId, @event = Templates.Code(e) }, ct);
        var spec = Templates.BuiltIn[e];
        return new TemplateView(e, spec.Subject, spec.Text, null, false, spec.Placeholders);
    }

    public async Task<Result<NotificationSettings>> GetSettingsAsync(Caller caller, string accountId, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.SettingsManage, accountId);
        if (account.IsError) return account.Error;
        return await store.GetSettingsAsync(accountId, ct) ?? NotificationSettings.Default(accountId);
    }

    public async Task<Result<NotificationSettings>> SaveSettingsAsync(Caller caller, string accountId, SaveNotificationSettingsRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.SettingsManage, accountId);
        if (account.IsError) return account.Error;
        var checkedSettings = Check(accountId, r);
        if (checkedSettings.IsError) return checkedSettings.Error;
        await store.SaveSettingsAsync(checkedSettings.Value, ct);
        await Audit(caller, origin, "notification.settings-saved", accountId, new { account = accountId, reminderDays = checkedSettings.Value.ReminderDays, recipients = checkedSettings.Value.Recipients.Count }, ct);
        return checkedSettings.Value;
    }

    /// <summary>Reminder days within a year either side of expiry, at most 10 of them; recipients are checked like any email.</summary>
    public static Result<NotificationSettings> Check(string accountId, SaveNotificationSettingsRequest r)
    {
        var days = r.ReminderDays ?? [.. NotificationSettings.DefaultReminderDays];
        if (days.Count > 10) return new MalformedInput("'reminderDays' may have at most 10 entries");
        for (var i = 0; i < days.Count; i++)
        {
            if (days[i] is < -365 or > 365) return new MalformedInput($"'reminderDays[{i}]' must be between -365 and 365 (days before expiry; negative: after)");
        }
        var recipients = Emails(r.Recipients, "recipients");
        if (recipients.IsError) return recipients.Error;
        var groups = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (group, list) in r.GroupRecipients ?? [])
        {
            if (string.IsNullOrWhiteSpace(group) || group.Length > 100) return new MalformedInput("'groupRecipients' keys must be group ids of at most 100 characters");
            var emails = Emails(list, $"groupRecipients.{group}");
            if (emails.IsError) return emails.Error;
            groups[group.Trim()] = emails.Value;
        }
        if (r.LowBalanceThresholdMinor is < 0) return new MalformedInput("'lowBalanceThresholdMinor' must not be negative");
        return new NotificationSettings(accountId, days.Distinct().OrderByDescending(d => d).ToList(), recipients.Value, groups, r.LowBalanceThresholdMinor);
    }

    private static Result<IReadOnlyList<string>> Emails(List<string>? list, string field)
    {
        if (list is null) return Array.Empty<string>();
        if (list.Count > MaxRecipients) return new MalformedInput($"'{field}' may have at most {MaxRecipients} addresses");
        var result = new List<string>();
        for (var i = 0; i < list.Count; i++)
        {
            var email = Fields.Email(list[i]);
            if (email.IsError) return new MalformedInput($"'{field}[{i}]' is not a valid address");
            result.Add(email.Value);
        }
        return result.Distinct().ToList();
    }

    private static MalformedInput UnknownEvent(string? code) =>
        new($"'{code}' is not a notification event; use one of {string.Join(", ", Enum.GetValues<NotificationEvent>().Select(Templates.Code))}");

    private Task Audit(Caller caller, RequestOrigin origin, string action, string accountId, object details, CancellationToken ct) =>
        audit.AppendAsync(new AuditEvent(caller.Actor, action, $"account:{accountId}", JsonSerializer.Serialize(details), origin.Address), ct);
}
