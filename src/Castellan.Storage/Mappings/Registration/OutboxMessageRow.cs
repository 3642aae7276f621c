using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

public sealed class OutboxMessageRow
{
    public string Id { get; set; } = "";
    public string To { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public long CreatedAt { get; set; }
    public long? SentAt { get; set; }
    public string? HtmlBody { get; set; }

    /// <summary>Failed attempts; the dispatcher backs off by this count.</summary>
    public int Attempts { get; set; }

    /// <summary>Not before this time (ms); 0 for a new message.</summary>
    public long NextAttemptAt { get; set; }

    /// <summary>The node holding the send lease, and until when (ms); the lease is what several nodes race for.</summary>
    public string? ClaimedBy { get; set; }
    public long? ClaimedUntil { get; set; }

    /// <summary>The last fault's kind (never the message content).</summary>
    public string? LastError { get; set; }
}

internal sealed class OutboxMessageRowConfiguration : IEntityTypeConfiguration<OutboxMessageRow>
{
    public void Configure(EntityTypeBuilder<OutboxMessageRow> e)
    {
        e.ToTable("outbox_messages");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.HasIndex(x => new { x.SentAt, x.CreatedAt });
        e.HasIndex(x => x.To);
        e.HasIndex(x => new { x.SentAt, x.NextAttemptAt });
        e.Property(x => x.ClaimedBy).HasMaxLength(80);
        e.Property(x => x.LastError).HasMaxLength(200);
    }
}
