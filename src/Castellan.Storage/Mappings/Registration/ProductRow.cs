using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

public sealed class ProductRow
{
    public string Id { get; set; } = "";

    /// <summary>Null for the operator's built-in catalogue; otherwise the account owning this private product.</summary>
    public string? AccountId { get; set; }

    public string Name { get; set; } = "";
    public string ProfileId { get; set; } = "";
    public string? IssuerId { get; set; }
    public int ValidityDays { get; set; }
    public long PricePerYearMinor { get; set; }
    public string Currency { get; set; } = "";
    public bool AutoApprove { get; set; }

    /// <summary>The approval mode's name: names, not numbers, so reordering the enum never changes a product.</summary>
    public string ApprovalMode { get; set; } = "";

    public string? ApprovalCriteria { get; set; }
    public int SansIncluded { get; set; }
    public long PricePerExtraSanMinor { get; set; }
    public long CreatedAt { get; set; }

    /// <summary>Null: from the profile (docs/flows/orders.md "Domain control").</summary>
    public bool? RequiresDomainValidation { get; set; }

    /// <summary>Unix milliseconds when the account disabled the product (no new orders); null while it is sold.</summary>
    public long? DisabledAt { get; set; }
}

internal sealed class ProductRowConfiguration : IEntityTypeConfiguration<ProductRow>
{
    public void Configure(EntityTypeBuilder<ProductRow> e)
    {
        e.ToTable("products", t => t.HasCheckConstraint("ck_products_prices", "\"PricePerYearMinor\" >= 0 AND \"PricePerExtraSanMinor\" >= 0"));
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.HasIndex(x => x.AccountId);
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.ProfileId).HasMaxLength(100);
        e.Property(x => x.IssuerId).HasMaxLength(100);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.ApprovalMode).HasMaxLength(20);
        e.Property(x => x.ApprovalCriteria).HasMaxLength(500);
    }
}
