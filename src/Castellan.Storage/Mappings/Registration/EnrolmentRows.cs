using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

/// <summary>An enrolment policy (seed 001). Lists are stored comma-separated: they hold a few fixed codes.</summary>
public sealed class EnrolmentPolicyRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Name { get; set; } = "";
    public string ProductId { get; set; } = "";
    public string RequiredFields { get; set; } = "";
    public string KeySources { get; set; } = "";
    public string Approval { get; set; } = "";
    public long LinkLifetimeSeconds { get; set; }
    public string CreatedBy { get; set; } = "";
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
}

/// <summary>An invited person and their enrolment; only hashes of the two link tokens.</summary>
public sealed class InvitationRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string PolicyId { get; set; } = "";
    public string Email { get; set; } = "";
    public string Status { get; set; } = "";
    public string EnrolTokenHash { get; set; } = "";
    public long EnrolExpiresAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public string? GivenName { get; set; }
    public string? Surname { get; set; }
    public string? OrganisationUnit { get; set; }
    public string? KeySource { get; set; }
    public string? Csr { get; set; }
    public long? SubmittedAt { get; set; }
    public string? DecidedBy { get; set; }
    public long? DecidedAt { get; set; }
    public string? Reason { get; set; }
    public string? CollectTokenHash { get; set; }
    public long? CollectExpiresAt { get; set; }
    public string? CertificateSerial { get; set; }
    public long? CollectedAt { get; set; }
}

internal sealed class EnrolmentPolicyRowConfiguration : IEntityTypeConfiguration<EnrolmentPolicyRow>
{
    public void Configure(EntityTypeBuilder<EnrolmentPolicyRow> e)
    {
        e.ToTable("enrolment_policies");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => x.AccountId);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.ProductId).HasMaxLength(40);
        e.Property(x => x.RequiredFields).HasMaxLength(200);
        e.Property(x => x.KeySources).HasMaxLength(100);
        e.Property(x => x.Approval).HasMaxLength(16);
        e.Property(x => x.CreatedBy).HasMaxLength(100);
    }
}

internal sealed class InvitationRowConfiguration : IEntityTypeConfiguration<InvitationRow>
{
    public void Configure(EntityTypeBuilder<InvitationRow> e)
    {
        e.ToTable("invitations");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.PolicyId).HasMaxLength(40);
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
        // A policy with invitations cannot be deleted: they keep naming it.
        e.HasOne<EnrolmentPolicyRow>().WithMany().HasForeignKey(x => x.PolicyId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => new { x.AccountId, x.Status, x.CreatedAt });
        e.HasIndex(x => new { x.PolicyId, x.Email });
        e.HasIndex(x => x.EnrolTokenHash).IsUnique();
        e.HasIndex(x => x.CollectTokenHash).IsUnique();
        e.Property(x => x.Email).HasMaxLength(254);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.EnrolTokenHash).HasMaxLength(64);
        e.Property(x => x.CollectTokenHash).HasMaxLength(64);
        e.Property(x => x.CreatedBy).HasMaxLength(100);
        e.Property(x => x.DecidedBy).HasMaxLength(100);
        e.Property(x => x.GivenName).HasMaxLength(200);
        e.Property(x => x.Surname).HasMaxLength(200);
        e.Property(x => x.OrganisationUnit).HasMaxLength(200);
        e.Property(x => x.KeySource).HasMaxLength(16);
        e.Property(x => x.Csr).HasMaxLength(140_000);
        e.Property(x => x.Reason).HasMaxLength(2000);
        e.Property(x => x.CertificateSerial).HasMaxLength(64);
    }
}
