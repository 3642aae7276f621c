using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

/// <summary>One validation attempt with its evidence (passed or failed); times in Unix milliseconds.</summary>
public sealed class ValidationRecordRow
{
    public string Id { get; set; } = "";
    public string? AccountId { get; set; }
    public string IdentifierType { get; set; } = "";
    public string IdentifierValue { get; set; } = "";

    /// <summary>The name the proof was made on (a wildcard's base name); reuse looks up by it.</summary>
    public string Name { get; set; } = "";

    public string Method { get; set; } = "";
    public bool Passed { get; set; }
    public string Detail { get; set; } = "";

    /// <summary>JSON array of {perspective, passed, observation}.</summary>
    public string ObservationsJson { get; set; } = "[]";

    public long StartedAt { get; set; }
    public long CompletedAt { get; set; }
    public long? ReusableUntil { get; set; }
}

internal sealed class ValidationRecordRowConfiguration : IEntityTypeConfiguration<ValidationRecordRow>
{
    public void Configure(EntityTypeBuilder<ValidationRecordRow> e)
    {
        e.ToTable("validation_records");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.IdentifierType).HasMaxLength(8);
        e.Property(x => x.IdentifierValue).HasMaxLength(255);
        e.Property(x => x.Name).HasMaxLength(255);
        e.Property(x => x.Method).HasMaxLength(24);
        e.Property(x => x.Detail).HasMaxLength(2000);
        // Reuse asks: this account's passed validations of these names, newest first.
        e.HasIndex(x => new { x.AccountId, x.Name, x.Passed, x.CompletedAt });
    }
}
