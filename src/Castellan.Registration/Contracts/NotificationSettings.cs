namespace Castellan.Registration.Contracts;

/// <summary>The emails the RA sends (issue 3 item 12); each has a built-in template an account may override.</summary>
public enum NotificationEvent
{
    Activation,
    Invitation,
    OrderConfirmation,
    ApprovalNeeded,
    OrderApproved,
    OrderRejected,
    CertificateReady,
    CertificateRevoked,
    RenewalReminder,
    LowBalance,
    EnrolmentInvitation,
    EnrolmentApproved,
    EnrolmentRejected,
}

/// <summary>An account's own text for one event: subject and plain text required, HTML optional (derived from the text when absent).</summary>
public sealed record NotificationTemplate(string AccountId, NotificationEvent Event, string Subject, string Text, string? Html, DateTimeOffset UpdatedAt);

/// <summary>
/// Who gets an account's renewal reminders and when. <see cref="ReminderDays"/> are days before expiry (positive) or
/// after it (negative); each (certificate, interval) is reminded once. Reminders go to the order's placer, the
/// account-wide <see cref="Recipients"/> and, for an order of a group, that group's entry in <see cref="GroupRecipients"/>.
/// </summary>
public sealed record NotificationSettings(
    string AccountId,
    IReadOnlyList<int> ReminderDays,
    IReadOnlyList<string> Recipients,
    IReadOnlyDictionary<string, IReadOnlyList<string>> GroupRecipients,
    long? LowBalanceThresholdMinor)
{
    public static readonly IReadOnlyList<int> DefaultReminderDays = [30, 7, 1, -1];

    public static NotificationSettings Default(string accountId) =>
        new(accountId, DefaultReminderDays, [], new Dictionary<string, IReadOnlyList<string>>(), null);
}

/// <summary>Template overrides, settings and the record of reminders already sent, implemented by Castellan.Storage.</summary>
public interface INotificationSettingsStore
{
    Task<NotificationTemplate?> GetTemplateAsync(string accountId, NotificationEvent e, CancellationToken ct);

    Task SaveTemplateAsync(NotificationTemplate template, CancellationToken ct);

    Task<bool> DeleteTemplateAsync(string accountId, NotificationEvent e, CancellationToken ct);

    Task<NotificationSettings?> GetSettingsAsync(string accountId, CancellationToken ct);

    Task SaveSettingsAsync(NotificationSettings settings, CancellationToken ct);

    /// <summary>
    /// Records that the reminder for (certificate, interval) is being sent; false when it was already recorded, so the
    /// periodic job on any number of nodes sends each reminder once (unique key, insert wins once).
    /// </summary>
    Task<bool> RecordReminderAsync(string serialHex, int days, DateTimeOffset at, CancellationToken ct);
}

/// <summary>
/// The sending side of the outbox, for the SMTP dispatcher. Claims are leases written with a conditional UPDATE, so
/// several nodes on one database never send the same message at the same time; a node that dies mid-send loses its
/// lease and another node sends the message after <c>leaseUntil</c>.
/// </summary>
public interface IOutboxDelivery
{
    /// <summary>Claims up to <paramref name="take"/> due messages (unsent, next attempt due, not leased) for <paramref name="claimer"/>.</summary>
    Task<IReadOnlyList<OutgoingMessage>> ClaimAsync(string claimer, DateTimeOffset now, DateTimeOffset leaseUntil, int take, CancellationToken ct);

    /// <summary>Marks a claimed message sent and releases the lease.</summary>
    Task MarkDeliveredAsync(string id, string claimer, DateTimeOffset at, CancellationToken ct);

    /// <summary>Releases the lease, counts the attempt and sets when to try again; <paramref name="error"/> names the fault, never the content.</summary>
    Task RetryLaterAsync(string id, string claimer, DateTimeOffset nextAttempt, string error, CancellationToken ct);
}
