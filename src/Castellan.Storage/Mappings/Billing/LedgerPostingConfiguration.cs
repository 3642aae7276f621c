using Castellan.Storage.Stores.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Mappings.Billing;

internal sealed class LedgerPostingConfiguration : IEntityTypeConfiguration<LedgerPostingRow>
{
    public void Configure(EntityTypeBuilder<LedgerPostingRow> e)
    {
        e.ToTable("billing_postings", t => t.HasCheckConstraint("ck_billing_postings_nonzero", "\"AmountMinor\" <> 0"));
        e.HasKey(x => new { x.JournalId, x.Line });
        e.HasIndex(x => x.AccountCode);
        e.HasOne<LedgerJournalRow>().WithMany().HasForeignKey(x => x.JournalId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.AccountCode).HasMaxLength(450);
        e.Property(x => x.Currency).HasMaxLength(3);
    }
}
