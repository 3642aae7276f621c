using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

/// <summary>The domain control validation of one name of an RA order (docs/flows/orders.md "Domain control").</summary>
public sealed class OrderValidationRow
{
    public string OrderId { get; set; } = "";
    public string Name { get; set; } = "";

    /// <summary>Added order, so the API lists names as the order names them.</summary>
    public int Position { get; set; }

    public string Method { get; set; } = "";
    public string Status { get; set; } = "";
    public string? Token { get; set; }
    public string? RandomValue { get; set; }
    public string? EmailChallengeId { get; set; }
    public string? Recipients { get; set; }
    public long? ValueExpiresAt { get; set; }
    public string? Source { get; set; }
    public string? EvidenceId { get; set; }
    public long? ValidatedAt { get; set; }
    public string? Reason { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
}

internal sealed class OrderValidationRowConfiguration : IEntityTypeConfiguration<OrderValidationRow>
{
    public void Configure(EntityTypeBuilder<OrderValidationRow> e)
    {
        e.ToTable("order_validations");
        e.HasKey(x => new { x.OrderId, x.Name });
        e.Property(x => x.OrderId).HasMaxLength(40);
        e.HasOne<OrderRow>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
        e.Property(x => x.Name).HasMaxLength(253);
        e.Property(x => x.Method).HasMaxLength(24);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.Token).HasMaxLength(64);
        e.Property(x => x.RandomValue).HasMaxLength(64);
        e.Property(x => x.EmailChallengeId).HasMaxLength(40);
        e.Property(x => x.Recipients).HasMaxLength(2000);
        e.Property(x => x.Source).HasMaxLength(24);
        e.Property(x => x.EvidenceId).HasMaxLength(40);
        e.Property(x => x.Reason).HasMaxLength(2000);
    }
}
