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

    /// <summary>New, Reissue or Renewal (names); a reissue or renewal names its original.</summary>
    public string Kind { get; set; } = "New";
    public string? OriginalOrderId { get; set; }
    public string? ReissueReason { get; set; }
    public int CoverageYears { get; set; } = 1;
    public long? CoverageEndsAt { get; set; }

    /// <summary>JSON, read whole; searched through <see cref="OrderLabelRow"/>.</summary>
    public string CustomFields { get; set; } = "{}";
    public string Tags { get; set; } = "[]";

    /// <summary>SHA-256 (hex) of the tracking token; the token itself is never stored.</summary>
    public string? TrackingTokenHash { get; set; }

    /// <summary>On a reissue: the certificate it replaces, its revocation reason and when it is due (cleared once done).</summary>
    public string? SupersedesSerial { get; set; }
    public string? SupersedesReason { get; set; }
    public long? SupersedesDueAt { get; set; }

    /// <summary>Who the order is for, as the request wizard collected them (null for API orders).</summary>
    public string? RequesterName { get; set; }
    public string? RequesterMobile { get; set; }
}

/// <summary>
/// One searchable tag or custom field value of an order (Kind "tag" or "field"), kept in step with the order's JSON
/// columns so that search by tag and by custom field is an indexed lookup instead of a scan inside JSON.
/// </summary>
public sealed class OrderLabelRow
{
    public string OrderId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
    public string Value { get; set; } = "";
}

internal sealed class OrderLabelRowConfiguration : IEntityTypeConfiguration<OrderLabelRow>
{
    public void Configure(EntityTypeBuilder<OrderLabelRow> e)
    {
        e.ToTable("order_labels");
        e.HasKey(x => new { x.OrderId, x.Kind, x.Name });
        e.Property(x => x.OrderId).HasMaxLength(40);
        e.Property(x => x.Kind).HasMaxLength(10);
        e.Property(x => x.Name).HasMaxLength(50);
        e.Property(x => x.Value).HasMaxLength(1000);
        e.HasIndex(x => new { x.Kind, x.Name, x.Value });
        e.HasOne<OrderRow>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
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
        e.Property(x => x.Kind).HasMaxLength(20);
        e.Property(x => x.OriginalOrderId).HasMaxLength(40);
        e.Property(x => x.ReissueReason).HasMaxLength(30);
        e.Property(x => x.TrackingTokenHash).HasMaxLength(64);
        e.Property(x => x.SupersedesSerial).HasMaxLength(64);
        e.Property(x => x.SupersedesReason).HasMaxLength(30);
        e.Property(x => x.RequesterName).HasMaxLength(200);
        e.Property(x => x.RequesterMobile).HasMaxLength(32);
        e.HasIndex(x => x.TrackingTokenHash).IsUnique();
        e.HasIndex(x => x.OriginalOrderId);
        // The supersession loop asks for due rows only; the index keeps that cheap however many orders there are.
        e.HasIndex(x => x.SupersedesDueAt);
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<ProductRow>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Restrict);
    }
}
