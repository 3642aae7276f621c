using Castellan.Storage.Stores.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Mappings.Billing;

internal sealed class LedgerBalanceConfiguration : IEntityTypeConfiguration<LedgerBalanceRow>
{
    public void Configure(EntityTypeBuilder<LedgerBalanceRow> e)
    {
        // The store's conditional UPDATE keeps balances non-negative; the CHECK is the database's own last word.
        e.ToTable("billing_balances", t => t.HasCheckConstraint("ck_billing_balances_non_negative", "\"BalanceMinor\" >= 0"));
        e.HasKey(x => x.Code);
        e.HasIndex(x => x.AccountId);
        e.Property(x => x.Code).HasMaxLength(450);
        e.Property(x => x.AccountId).HasMaxLength(200);
        e.Property(x => x.GroupId).HasMaxLength(200);
        e.Property(x => x.Currency).HasMaxLength(3);
    }
}
