using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

/// <summary>A product enabled for registration-number enrolment (seed 002); the checklist is stored as lines.</summary>
public sealed class RegistrationServiceRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Name { get; set; } = "";
    public string ProductId { get; set; } = "";
    public string Checklist { get; set; } = "";
    public decimal Fee { get; set; }
    public string Currency { get; set; } = "";
    public bool Enabled { get; set; }
    public string CreatedBy { get; set; } = "";
    public long CreatedAt { get; set; }
}

/// <summary>One registration; the access code only as its PBKDF2 hash.</summary>
public sealed class RegistrationApplicationRow
{
    public string Id { get; set; } = "";
    public string Number { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string ServiceId { get; set; } = "";
    public string FullName { get; set; } = "";
    public string Email { get; set; } = "";
    public string Status { get; set; } = "";
    public string AccessCodeHash { get; set; } = "";
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public int FailedSignIns { get; set; }
    public long? LockedUntil { get; set; }
    public long? AccessCodeChangedAt { get; set; }
    public string? Reason { get; set; }
    public string? DocumentsDecidedBy { get; set; }
    public long? DocumentsDecidedAt { get; set; }
    public string? Csr { get; set; }
    public long? SubmittedAt { get; set; }
    public decimal? PaymentAmount { get; set; }
    public string? PaymentCurrency { get; set; }
    public string? PaymentReference { get; set; }
    public string? PaymentRecordedBy { get; set; }
    public long? PaymentRecordedAt { get; set; }
    public string? VerifiedBy { get; set; }
    public long? VerifiedAt { get; set; }
    public string? CertificateSerial { get; set; }
    public long? IssuedAt { get; set; }
}

/// <summary>A signed document's metadata; its bytes are in <see cref="RegistrationDocumentContentRow"/> so listing never reads them.</summary>
public sealed class RegistrationDocumentRow
{
    public string Id { get; set; } = "";
    public string ApplicationId { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long Size { get; set; }
    public string Sha256 { get; set; } = "";
    public long UploadedAt { get; set; }
}

public sealed class RegistrationDocumentContentRow
{
    public string DocumentId { get; set; } = "";
    public byte[] Content { get; set; } = [];
}

internal sealed class RegistrationServiceRowConfiguration : IEntityTypeConfiguration<RegistrationServiceRow>
{
    public void Configure(EntityTypeBuilder<RegistrationServiceRow> e)
    {
        e.ToTable("registration_services");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => x.AccountId);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.ProductId).HasMaxLength(40);
        e.Property(x => x.Checklist).HasMaxLength(5000);
        e.Property(x => x.Fee).HasPrecision(12, 2);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.CreatedBy).HasMaxLength(200);
    }
}

internal sealed class RegistrationApplicationRowConfiguration : IEntityTypeConfiguration<RegistrationApplicationRow>
{
    public void Configure(EntityTypeBuilder<RegistrationApplicationRow> e)
    {
        e.ToTable("registration_applications");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.Number).HasMaxLength(20);
        // The number is what applicants sign in with and write on paper: unique across all tenants.
        e.HasIndex(x => x.Number).IsUnique();
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.ServiceId).HasMaxLength(40);
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<RegistrationServiceRow>().WithMany().HasForeignKey(x => x.ServiceId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => new { x.AccountId, x.Status, x.CreatedAt });
        e.Property(x => x.FullName).HasMaxLength(200);
        e.Property(x => x.Email).HasMaxLength(254);
        e.Property(x => x.Status).HasMaxLength(24);
        e.Property(x => x.AccessCodeHash).HasMaxLength(200);
        e.Property(x => x.Reason).HasMaxLength(2000);
        e.Property(x => x.DocumentsDecidedBy).HasMaxLength(200);
        e.Property(x => x.Csr).HasMaxLength(140_000);
        e.Property(x => x.PaymentAmount).HasPrecision(12, 2);
        e.Property(x => x.PaymentCurrency).HasMaxLength(3);
        e.Property(x => x.PaymentReference).HasMaxLength(100);
        e.Property(x => x.PaymentRecordedBy).HasMaxLength(200);
        e.Property(x => x.VerifiedBy).HasMaxLength(200);
        e.Property(x => x.CertificateSerial).HasMaxLength(64);
    }
}

internal sealed class RegistrationDocumentRowConfiguration : IEntityTypeConfiguration<RegistrationDocumentRow>
{
    public void Configure(EntityTypeBuilder<RegistrationDocumentRow> e)
    {
        e.ToTable("registration_documents");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.ApplicationId).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.FileName).HasMaxLength(100);
        e.Property(x => x.ContentType).HasMaxLength(40);
        e.Property(x => x.Sha256).HasMaxLength(64);
        e.HasIndex(x => x.ApplicationId);
        e.HasOne<RegistrationApplicationRow>().WithMany().HasForeignKey(x => x.ApplicationId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RegistrationDocumentContentRowConfiguration : IEntityTypeConfiguration<RegistrationDocumentContentRow>
{
    public void Configure(EntityTypeBuilder<RegistrationDocumentContentRow> e)
    {
        e.ToTable("registration_document_contents");
        e.HasKey(x => x.DocumentId);
        e.Property(x => x.DocumentId).HasMaxLength(40);
        e.HasOne<RegistrationDocumentRow>().WithOne().HasForeignKey<RegistrationDocumentContentRow>(x => x.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}
