using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

/// <summary>An account's identity-proofing policy; the operator's are in configuration, not here.</summary>
public sealed class ProofingPolicyRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Name { get; set; } = "";
    public string ProductId { get; set; } = "";

    /// <summary>manual, automatic or api.</summary>
    public string Approval { get; set; } = "";
    public string Verifier { get; set; } = "";

    /// <summary>The required criteria's codes, one per line.</summary>
    public string Criteria { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public long UpdatedAt { get; set; }
}

internal sealed class ProofingPolicyRowConfiguration : IEntityTypeConfiguration<ProofingPolicyRow>
{
    public void Configure(EntityTypeBuilder<ProofingPolicyRow> e)
    {
        e.ToTable("proofing_policies");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.ProductId).HasMaxLength(40);
        e.Property(x => x.Approval).HasMaxLength(16);
        e.Property(x => x.Verifier).HasMaxLength(64);
        e.Property(x => x.Criteria).HasMaxLength(200);
        e.Property(x => x.CreatedBy).HasMaxLength(200);
        e.HasIndex(x => x.AccountId);
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
