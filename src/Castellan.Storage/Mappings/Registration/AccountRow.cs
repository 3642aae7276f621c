using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

public sealed class AccountRow
{
    public string Id { get; set; } = "";
    public string Number { get; set; } = "";
    public int Kind { get; set; }
    public string Name { get; set; } = "";
    public string? ParentId { get; set; }
    public int Status { get; set; }
    public long CreatedAt { get; set; }
}

internal sealed class AccountRowConfiguration : IEntityTypeConfiguration<AccountRow>
{
    public void Configure(EntityTypeBuilder<AccountRow> e)
    {
        e.ToTable("accounts");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        // The customer-facing number is unique by constraint; the RA draws again on a collision.
        e.Property(x => x.Number).HasMaxLength(10);
        e.HasIndex(x => x.Number).IsUnique();
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.ParentId).HasMaxLength(40);
        e.HasIndex(x => x.ParentId);
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}
