using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

/// <summary>A pre-validated domain of an account (seed 003 "Domains").</summary>
public sealed class DomainRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Method { get; set; } = "";
    public string Status { get; set; } = "";
    public string? Token { get; set; }
    public string? RandomValue { get; set; }
    public string? EmailChallengeId { get; set; }
    public string CreatedBy { get; set; } = "";
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? VerifiedAt { get; set; }
    public long? ExpiresAt { get; set; }
    public string? EvidenceId { get; set; }
    public string? StatusReason { get; set; }
}

/// <summary>A domain an account's administrator keeps out of orders.</summary>
public sealed class RestrictedDomainRow
{
    public string AccountId { get; set; } = "";
    public string Name { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public long CreatedAt { get; set; }
}

internal sealed class DomainRowConfiguration : IEntityTypeConfiguration<DomainRow>
{
    public void Configure(EntityTypeBuilder<DomainRow> e)
    {
        e.ToTable("domains");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.Name).HasMaxLength(253);
        e.HasIndex(x => new { x.AccountId, x.Name }).IsUnique();
        e.Property(x => x.Method).HasMaxLength(24);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.Token).HasMaxLength(64);
        e.Property(x => x.RandomValue).HasMaxLength(64);
        e.Property(x => x.EmailChallengeId).HasMaxLength(40);
        e.Property(x => x.CreatedBy).HasMaxLength(100);
        e.Property(x => x.EvidenceId).HasMaxLength(40);
        e.Property(x => x.StatusReason).HasMaxLength(2000);
    }
}

internal sealed class RestrictedDomainRowConfiguration : IEntityTypeConfiguration<RestrictedDomainRow>
{
    public void Configure(EntityTypeBuilder<RestrictedDomainRow> e)
    {
        e.ToTable("restricted_domains");
        e.HasKey(x => new { x.AccountId, x.Name });
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.Name).HasMaxLength(253);
        e.Property(x => x.CreatedBy).HasMaxLength(100);
    }
}
