using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

public sealed class NotificationTemplateRow
{
    public string AccountId { get; set; } = "";
    public int Event { get; set; }
    public string Subject { get; set; } = "";
    public string Text { get; set; } = "";
    public string? Html { get; set; }
    public long UpdatedAt { get; set; }
}

public sealed class NotificationSettingsRow
{
    public string AccountId { get; set; } = "";

    /// <summary>JSON of the RA's settings record (intervals, recipients, group recipients, threshold).</summary>
    public string Json { get; set; } = "";
}

public sealed class ReminderSentRow
{
    public string SerialHex { get; set; } = "";
    public int Days { get; set; }
    public long SentAt { get; set; }
}

internal sealed class NotificationTemplateRowConfiguration : IEntityTypeConfiguration<NotificationTemplateRow>
{
    public void Configure(EntityTypeBuilder<NotificationTemplateRow> e)
    {
        e.ToTable("notification_templates");
        e.HasKey(x => new { x.AccountId, x.Event });
        e.Property(x => x.AccountId).HasMaxLength(40);
    }
}

internal sealed class NotificationSettingsRowConfiguration : IEntityTypeConfiguration<NotificationSettingsRow>
{
    public void Configure(EntityTypeBuilder<NotificationSettingsRow> e)
    {
        e.ToTable("notification_settings");
        e.HasKey(x => x.AccountId);
        e.Property(x => x.AccountId).HasMaxLength(40);
    }
}

internal sealed class ReminderSentRowConfiguration : IEntityTypeConfiguration<ReminderSentRow>
{
    public void Configure(EntityTypeBuilder<ReminderSentRow> e)
    {
        e.ToTable("reminders_sent");
        // The key is the idempotency of the reminder job: one row, so one email, per (certificate, interval).
        e.HasKey(x => new { x.SerialHex, x.Days });
        e.Property(x => x.SerialHex).HasMaxLength(64);
    }
}
