using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

/// <summary>One fixed-window counter (<see cref="Castellan.Registration.Contracts.ISendWindowStore"/>).</summary>
public sealed class SendWindowRow
{
    public string Key { get; set; } = "";
    public long WindowStart { get; set; }
    public int Count { get; set; }
}

internal sealed class SendWindowRowConfiguration : IEntityTypeConfiguration<SendWindowRow>
{
    public void Configure(EntityTypeBuilder<SendWindowRow> e)
    {
        e.ToTable("send_windows");
        e.HasKey(x => x.Key);
        e.Property(x => x.Key).HasMaxLength(100);
    }
}
