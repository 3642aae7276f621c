using Castellan.Storage.Stores.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Mappings.Billing;

internal sealed class LedgerJournalConfiguration : IEntityTypeConfiguration<LedgerJournalRow>
{
    public void Configure(EntityTypeBuilder<LedgerJournalRow> e)
    {
        e.ToTable("billing_journals");
        e.HasKey(x => x.Id);
        // Idempotency: the database, not a read-then-write in the application, guarantees one journal per key.
        e.HasIndex(x => new { x.AccountId, x.Kind, x.IdempotencyKey }).IsUnique();
        e.HasIndex(x => new { x.AccountId, x.At });
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.AccountId).HasMaxLength(200);
        e.Property(x => x.GroupId).HasMaxLength(200);
        e.Property(x => x.IdempotencyKey).HasMaxLength(200);
        e.Property(x => x.Fingerprint).HasMaxLength(64);
        e.Property(x => x.Currency).HasMaxLength(3);
    }
}
