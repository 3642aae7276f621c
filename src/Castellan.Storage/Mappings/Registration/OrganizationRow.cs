using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

/// <summary>An organisation of an account for OV/EV orders (seed 003 "Organizations").</summary>
public sealed class OrganizationRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string LegalName { get; set; } = "";
    public string Country { get; set; } = "";
    public string? State { get; set; }
    public string? Locality { get; set; }
    public string? Address { get; set; }
    public string? Phone { get; set; }
    public string? RegistrationNumber { get; set; }
    public string Status { get; set; } = "";
    public string? StatusReason { get; set; }
    public string? DecidedBy { get; set; }
    public string CreatedBy { get; set; } = "";
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
}

internal sealed class OrganizationRowConfiguration : IEntityTypeConfiguration<OrganizationRow>
{
    public void Configure(EntityTypeBuilder<OrganizationRow> e)
    {
        e.ToTable("organizations");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(x => x.AccountId);
        e.Property(x => x.LegalName).HasMaxLength(64);
        e.Property(x => x.Country).HasMaxLength(2);
        e.Property(x => x.State).HasMaxLength(64);
        e.Property(x => x.Locality).HasMaxLength(64);
        e.Property(x => x.Address).HasMaxLength(500);
        e.Property(x => x.Phone).HasMaxLength(32);
        e.Property(x => x.RegistrationNumber).HasMaxLength(64);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.StatusReason).HasMaxLength(1000);
        e.Property(x => x.DecidedBy).HasMaxLength(100);
        e.Property(x => x.CreatedBy).HasMaxLength(100);
    }
}
