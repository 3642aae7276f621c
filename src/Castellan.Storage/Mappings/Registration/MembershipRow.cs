using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

public sealed class MembershipRow
{
    public string UserId { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string RoleId { get; set; } = "";
    public int Status { get; set; }
    public long CreatedAt { get; set; }
}

internal sealed class MembershipRowConfiguration : IEntityTypeConfiguration<MembershipRow>
{
    public void Configure(EntityTypeBuilder<MembershipRow> e)
    {
        e.ToTable("memberships");
        e.HasKey(x => new { x.UserId, x.AccountId });
        e.HasIndex(x => x.AccountId);
        e.Property(x => x.RoleId).HasMaxLength(100);
        e.HasOne<UserRow>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
