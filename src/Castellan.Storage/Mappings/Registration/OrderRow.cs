using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

public sealed class OrderRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string? GroupId { get; set; }
    public string ProductId { get; set; } = "";

    /// <summary>The status's enum name (OnHold, PendingApproval, ...); every change is a conditional UPDATE on it.</summary>
    public string Status { get; set; } = "";

    public string? Csr { get; set; }

    /// <summary>JSON arrays of strings: read and written whole with the order, never queried inside.</summary>
    public string Sans { get; set; } = "[]";

    public string? Subject { get; set; }
    public int ValidityDays { get; set; }
    public string? Remarks { get; set; }
    public string ReportingTags { get; set; } = "[]";
    public string AdditionalRecipients { get; set; } = "[]";
    public long PriceMinor { get; set; }
    public string Currency { get; set; } = "";
    public string PlacedBy { get; set; } = "";
    public string IdempotencyKey { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    public string? DebitJournalId { get; set; }
    public string? CertificateSerial { get; set; }
    public string? StatusReason { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
}

internal sealed class OrderRowConfiguration : IEntityTypeConfiguration<OrderRow>
{
    public void Configure(EntityTypeBuilder<OrderRow> e)
    {
        e.ToTable("orders", t => t.HasCheckConstraint("ck_orders_price", "\"PriceMinor\" >= 0"));
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.GroupId).HasMaxLength(100);
        e.Property(x => x.ProductId).HasMaxLength(40);
        e.Property(x => x.Status).HasMaxLength(30);
        e.Property(x => x.Subject).HasMaxLength(1024);
        e.Property(x => x.Remarks).HasMaxLength(1000);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.PlacedBy).HasMaxLength(100);
        e.Property(x => x.IdempotencyKey).HasMaxLength(200);
        e.Property(x => x.Fingerprint).HasMaxLength(64);
        e.Property(x => x.DebitJournalId).HasMaxLength(40);
        e.Property(x => x.CertificateSerial).HasMaxLength(64);
        e.Property(x => x.StatusReason).HasMaxLength(1100);
        // A retried POST with the same key finds the first order; the database settles two racing ones.
        e.HasIndex(x => new { x.AccountId, x.IdempotencyKey }).IsUnique();
        e.HasIndex(x => new { x.AccountId, x.CreatedAt });
        e.HasIndex(x => new { x.AccountId, x.Status });
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<ProductRow>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Restrict);
    }
}
