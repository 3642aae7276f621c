using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

/// <summary>Only the SHA-256 of an activation token is stored.</summary>
public sealed class ActivationTokenRow
{
    public string Hash { get; set; } = "";
    public string UserId { get; set; } = "";
    public string? AccountId { get; set; }
    public long ExpiresAt { get; set; }
    public long? UsedAt { get; set; }
}

internal sealed class ActivationTokenRowConfiguration : IEntityTypeConfiguration<ActivationTokenRow>
{
    public void Configure(EntityTypeBuilder<ActivationTokenRow> e)
    {
        e.ToTable("activation_tokens");
        e.HasKey(x => x.Hash);
        e.Property(x => x.Hash).HasMaxLength(64);
        e.HasIndex(x => x.UserId);
        e.HasOne<UserRow>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
