using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

/// <summary>An identity-proofed application (seed 000). Criteria are kept as the JSON the officer was shown.</summary>
public sealed class IdentityApplicationRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string PolicyId { get; set; } = "";
    public string? ApplicantUserId { get; set; }
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public string Csr { get; set; } = "";
    public string Status { get; set; } = "";
    public string Authentication { get; set; } = "";
    public bool EmailConfirmed { get; set; }
    public string Verifier { get; set; } = "";
    public string Outcome { get; set; } = "";
    public string? VerifiedName { get; set; }
    public string? EvidenceJson { get; set; }
    public string CriteriaJson { get; set; } = "[]";
    public string? Reason { get; set; }
    public string? DecidedBy { get; set; }
    public long? DecidedAt { get; set; }
    public string? CertificateSerial { get; set; }
    public string CreatedBy { get; set; } = "";
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
}

/// <summary>An evidence file: content in the database beside its metadata, like order KYC documents.</summary>
public sealed class IdentityDocumentRow
{
    public string Id { get; set; } = "";
    public string ApplicationId { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long Size { get; set; }
    public string Sha256 { get; set; } = "";
    public long UploadedAt { get; set; }
    public byte[] Content { get; set; } = [];
}

internal sealed class IdentityApplicationRowConfiguration : IEntityTypeConfiguration<IdentityApplicationRow>
{
    public void Configure(EntityTypeBuilder<IdentityApplicationRow> e)
    {
        e.ToTable("identity_applications");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => new { x.AccountId, x.Status, x.CreatedAt });
        e.HasIndex(x => new { x.AccountId, x.ApplicantUserId });
        e.Property(x => x.PolicyId).HasMaxLength(40);
        e.Property(x => x.ApplicantUserId).HasMaxLength(40);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Email).HasMaxLength(254);
        e.Property(x => x.Csr).HasMaxLength(140_000);
        e.Property(x => x.Status).HasMaxLength(24);
        e.Property(x => x.Authentication).HasMaxLength(24);
        e.Property(x => x.Verifier).HasMaxLength(40);
        e.Property(x => x.Outcome).HasMaxLength(16);
        e.Property(x => x.VerifiedName).HasMaxLength(200);
        e.Property(x => x.EvidenceJson).HasMaxLength(8000);
        e.Property(x => x.CriteriaJson).HasMaxLength(8000);
        e.Property(x => x.Reason).HasMaxLength(2000);
        e.Property(x => x.DecidedBy).HasMaxLength(100);
        e.Property(x => x.CertificateSerial).HasMaxLength(64);
        e.Property(x => x.CreatedBy).HasMaxLength(100);
    }
}

internal sealed class IdentityDocumentRowConfiguration : IEntityTypeConfiguration<IdentityDocumentRow>
{
    public void Configure(EntityTypeBuilder<IdentityDocumentRow> e)
    {
        e.ToTable("identity_documents");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.ApplicationId).HasMaxLength(40);
        e.HasOne<IdentityApplicationRow>().WithMany().HasForeignKey(x => x.ApplicationId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => x.ApplicationId);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.Kind).HasMaxLength(40);
        e.Property(x => x.FileName).HasMaxLength(120);
        e.Property(x => x.ContentType).HasMaxLength(40);
        e.Property(x => x.Sha256).HasMaxLength(64);
    }
}
