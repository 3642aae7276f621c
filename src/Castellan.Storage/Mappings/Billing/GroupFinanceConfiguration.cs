using Castellan.Storage.Stores.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Mappings.Billing;

internal sealed class GroupFinanceConfiguration : IEntityTypeConfiguration<GroupFinanceRow>
{
    public void Configure(EntityTypeBuilder<GroupFinanceRow> e)
    {
        e.ToTable("billing_group_finance");
        e.HasKey(x => x.GroupId);
        e.HasIndex(x => x.AccountId);
        e.Property(x => x.GroupId).HasMaxLength(200);
        e.Property(x => x.AccountId).HasMaxLength(200);
        e.Property(x => x.Currency).HasMaxLength(3);
    }
}
