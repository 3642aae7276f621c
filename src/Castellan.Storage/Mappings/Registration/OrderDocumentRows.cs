using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

/// <summary>A KYC document's metadata; its bytes are in <see cref="OrderDocumentContentRow"/> so listing never reads them.</summary>
public sealed class OrderDocumentRow
{
    public string Id { get; set; } = "";
    public string OrderId { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long Size { get; set; }
    public string Sha256 { get; set; } = "";
    public string UploadedBy { get; set; } = "";
    public long UploadedAt { get; set; }
}

public sealed class OrderDocumentContentRow
{
    public string DocumentId { get; set; } = "";
    public byte[] Content { get; set; } = [];
}

/// <summary>An order's download delegate; the PIN only as its PBKDF2 hash.</summary>
public sealed class DownloadDelegationRow
{
    public string OrderId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public string PinHash { get; set; } = "";
    public int FailedAttempts { get; set; }
    public string CreatedBy { get; set; } = "";
    public long CreatedAt { get; set; }
    public long ExpiresAt { get; set; }
}

internal sealed class OrderDocumentRowConfiguration : IEntityTypeConfiguration<OrderDocumentRow>
{
    public void Configure(EntityTypeBuilder<OrderDocumentRow> e)
    {
        e.ToTable("order_documents");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.OrderId).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.FileName).HasMaxLength(100);
        e.Property(x => x.ContentType).HasMaxLength(40);
        e.Property(x => x.Sha256).HasMaxLength(64);
        e.Property(x => x.UploadedBy).HasMaxLength(200);
        e.HasIndex(x => x.OrderId);
        e.HasOne<OrderRow>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OrderDocumentContentRowConfiguration : IEntityTypeConfiguration<OrderDocumentContentRow>
{
    public void Configure(EntityTypeBuilder<OrderDocumentContentRow> e)
    {
        e.ToTable("order_document_contents");
        e.HasKey(x => x.DocumentId);
        e.Property(x => x.DocumentId).HasMaxLength(40);
        e.HasOne<OrderDocumentRow>().WithOne().HasForeignKey<OrderDocumentContentRow>(x => x.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DownloadDelegationRowConfiguration : IEntityTypeConfiguration<DownloadDelegationRow>
{
    public void Configure(EntityTypeBuilder<DownloadDelegationRow> e)
    {
        e.ToTable("download_delegations");
        e.HasKey(x => x.OrderId);
        e.Property(x => x.OrderId).HasMaxLength(40);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Email).HasMaxLength(254);
        e.Property(x => x.PinHash).HasMaxLength(200);
        e.Property(x => x.CreatedBy).HasMaxLength(200);
        e.HasOne<OrderRow>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
    }
}
