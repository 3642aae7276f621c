using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

/// <summary>An emailed random value, kept only as its SHA-256; single use (UsedAt set once).</summary>
public sealed class EmailChallengeRow
{
    public string Id { get; set; } = "";
    public string? AccountId { get; set; }
    public string IdentifierType { get; set; } = "";
    public string IdentifierValue { get; set; } = "";
    public string Method { get; set; } = "";

    /// <summary>Recipients separated by newlines.</summary>
    public string Recipients { get; set; } = "";

    public string ValueHash { get; set; } = "";
    public long CreatedAt { get; set; }
    public long ExpiresAt { get; set; }
    public int Sends { get; set; }
    public long? UsedAt { get; set; }
}

internal sealed class EmailChallengeRowConfiguration : IEntityTypeConfiguration<EmailChallengeRow>
{
    public void Configure(EntityTypeBuilder<EmailChallengeRow> e)
    {
        e.ToTable("validation_email_challenges");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.IdentifierType).HasMaxLength(8);
        e.Property(x => x.IdentifierValue).HasMaxLength(255);
        e.Property(x => x.Method).HasMaxLength(24);
        e.Property(x => x.Recipients).HasMaxLength(4000);
        e.Property(x => x.ValueHash).HasMaxLength(64);
    }
}
