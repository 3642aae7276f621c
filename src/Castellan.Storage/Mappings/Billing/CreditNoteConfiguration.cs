using Castellan.Storage.Stores.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Mappings.Billing;

internal sealed class CreditNoteConfiguration : IEntityTypeConfiguration<CreditNoteRow>
{
    public void Configure(EntityTypeBuilder<CreditNoteRow> e)
    {
        e.ToTable("billing_credit_notes");
        e.HasKey(x => x.Id);
        // One credit note per order debit: two concurrent cancellations cannot both refund.
        e.HasIndex(x => x.DebitJournalId).IsUnique();
        e.HasIndex(x => x.AccountId);
        e.HasOne<LedgerJournalRow>().WithMany().HasForeignKey(x => x.DebitJournalId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<LedgerJournalRow>().WithMany().HasForeignKey(x => x.RefundJournalId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.AccountId).HasMaxLength(200);
        e.Property(x => x.Currency).HasMaxLength(3);
    }
}
