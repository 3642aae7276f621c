using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

public sealed class CustomFieldRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Label { get; set; } = "";

    /// <summary>The type's name (Text, Dropdown, ...), not its number.</summary>
    public string Type { get; set; } = "";
    public bool Mandatory { get; set; }
    public int MaxLength { get; set; }

    /// <summary>Comma-separated class names (Letters, Digits, ...); empty allows any printable character.</summary>
    public string AllowedCharacters { get; set; } = "";
    public string ExtraCharacters { get; set; } = "";

    /// <summary>JSON array of the dropdown's options.</summary>
    public string Options { get; set; } = "[]";
    public long CreatedAt { get; set; }
}

internal sealed class CustomFieldRowConfiguration : IEntityTypeConfiguration<CustomFieldRow>
{
    public void Configure(EntityTypeBuilder<CustomFieldRow> e)
    {
        e.ToTable("custom_fields");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.Name).HasMaxLength(50);
        e.Property(x => x.Label).HasMaxLength(200);
        e.Property(x => x.Type).HasMaxLength(20);
        e.Property(x => x.AllowedCharacters).HasMaxLength(100);
        e.Property(x => x.ExtraCharacters).HasMaxLength(20);
        e.HasIndex(x => new { x.AccountId, x.Name }).IsUnique();
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
