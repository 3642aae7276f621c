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
    }
}
