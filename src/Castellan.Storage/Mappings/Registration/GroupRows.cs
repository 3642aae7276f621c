using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

/// <summary>A group of an account (seed 003 "Groups"); its finance settings are Billing's (billing_group_finance).</summary>
public sealed class GroupRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Name { get; set; } = "";

    /// <summary>Lower-cased name: names are unique per account regardless of case.</summary>
    public string NormalizedName { get; set; } = "";
    public bool IsDefault { get; set; }
    public string UserAccess { get; set; } = "";

    /// <summary>JSON arrays of user ids, organisation names and domain names.</summary>
    public string UserIds { get; set; } = "[]";
    public string OrganizationScope { get; set; } = "";
    public string Organizations { get; set; } = "[]";
    public string DomainScope { get; set; } = "";
    public string Domains { get; set; } = "[]";
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
}

/// <summary>A partner's price for one product in one sub-account.</summary>
public sealed class PriceListRow
{
    public string AccountId { get; set; } = "";
    public string ProductId { get; set; } = "";
    public long PricePerYearMinor { get; set; }
    public long PricePerExtraSanMinor { get; set; }
    public string Currency { get; set; } = "";
    public string SetBy { get; set; } = "";
    public long UpdatedAt { get; set; }
}

internal sealed class GroupRowConfiguration : IEntityTypeConfiguration<GroupRow>
{
    public void Configure(EntityTypeBuilder<GroupRow> e)
    {
        e.ToTable("ra_groups");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(60);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.NormalizedName).HasMaxLength(100);
        e.Property(x => x.UserAccess).HasMaxLength(20);
        e.Property(x => x.OrganizationScope).HasMaxLength(20);
        e.Property(x => x.DomainScope).HasMaxLength(20);
        e.HasIndex(x => new { x.AccountId, x.NormalizedName }).IsUnique();
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PriceListRowConfiguration : IEntityTypeConfiguration<PriceListRow>
{
    public void Configure(EntityTypeBuilder<PriceListRow> e)
    {
        e.ToTable("sub_account_price_lists");
        e.HasKey(x => new { x.AccountId, x.ProductId });
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.ProductId).HasMaxLength(40);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.SetBy).HasMaxLength(200);
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<ProductRow>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Restrict);
    }
}
