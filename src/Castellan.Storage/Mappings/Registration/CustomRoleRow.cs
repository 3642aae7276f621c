using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

public sealed class CustomRoleRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Name { get; set; } = "";

    /// <summary>The name lower-cased: "Auditor" and "auditor" are one role on SQLite and PostgreSQL alike.</summary>
    public string NameKey { get; set; } = "";

    /// <summary>Permission names, comma-separated: names, not numbers, so reordering the enum never changes a role.</summary>
    public string Permissions { get; set; } = "";
}

internal sealed class CustomRoleRowConfiguration : IEntityTypeConfiguration<CustomRoleRow>
{
    public void Configure(EntityTypeBuilder<CustomRoleRow> e)
    {
        e.ToTable("custom_roles");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.NameKey).HasMaxLength(200);
        e.HasIndex(x => new { x.AccountId, x.NameKey }).IsUnique();
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
