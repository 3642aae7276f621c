using Castellan.Storage.Stores.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Mappings.Billing;

internal sealed class GroupSpendConfiguration : IEntityTypeConfiguration<GroupSpendRow>
{
    public void Configure(EntityTypeBuilder<GroupSpendRow> e)
    {
        e.ToTable("billing_group_spend", t => t.HasCheckConstraint("ck_billing_group_spend_non_negative", "\"SpentMinor\" >= 0"));
        e.HasKey(x => new { x.GroupId, x.PeriodStart });
        e.Property(x => x.GroupId).HasMaxLength(200);
    }
}
