using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

public sealed class UserRow
{
    public string Id { get; set; } = "";
    public string Email { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Mobile { get; set; }
    public int Status { get; set; }
    public string? PasswordHash { get; set; }
    public int FailedSignIns { get; set; }
    public long? LockedUntil { get; set; }
    public long CreatedAt { get; set; }
}

internal sealed class UserRowConfiguration : IEntityTypeConfiguration<UserRow>
{
    public void Configure(EntityTypeBuilder<UserRow> e)
    {
        e.ToTable("users");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        // Stored lower-cased by the RA, so a plain unique index makes one login per address.
        e.Property(x => x.Email).HasMaxLength(254);
        e.HasIndex(x => x.Email).IsUnique();
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Mobile).HasMaxLength(32);
        e.Property(x => x.PasswordHash).HasMaxLength(200);
    }
}
