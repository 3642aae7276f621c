using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

public sealed class ReportingTagRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Name { get; set; } = "";

    /// <summary>The name upper-cased (invariant), so the unique index makes "Finance" and "finance" one tag on every provider.</summary>
    public string NormalizedName { get; set; } = "";
    public string Description { get; set; } = "";
    public long CreatedAt { get; set; }
}

internal sealed class ReportingTagRowConfiguration : IEntityTypeConfiguration<ReportingTagRow>
{
    public void Configure(EntityTypeBuilder<ReportingTagRow> e)
    {
        e.ToTable("reporting_tags");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.Name).HasMaxLength(64);
        e.Property(x => x.NormalizedName).HasMaxLength(64);
        e.Property(x => x.Description).HasMaxLength(500);
        e.HasIndex(x => new { x.AccountId, x.NormalizedName }).IsUnique();
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
