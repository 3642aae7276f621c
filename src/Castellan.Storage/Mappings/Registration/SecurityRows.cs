using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

public sealed class SecondFactorRow
{
    public string UserId { get; set; } = "";
    public string ProtectedSecret { get; set; } = "";
    public long CreatedAt { get; set; }
    public long? ConfirmedAt { get; set; }
    public long LastUsedStep { get; set; }
}

public sealed class RecoveryCodeRow
{
    public string UserId { get; set; } = "";
    public string Hash { get; set; } = "";
    public long? UsedAt { get; set; }
}

public sealed class AccountSecurityRow
{
    public string AccountId { get; set; } = "";
    public bool SecondFactorRequired { get; set; }

    /// <summary>CIDR ranges separated by commas, as normalised by the RA.</summary>
    public string AllowedNetworks { get; set; } = "";
}

public sealed class UserNetworksRow
{
    public string UserId { get; set; } = "";
    public string AllowedNetworks { get; set; } = "";
}

public sealed class ClientCertificateRow
{
    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Issuer { get; set; } = "";
    public string SerialHex { get; set; } = "";
    public long NotBefore { get; set; }
    public long NotAfter { get; set; }
    public long CreatedAt { get; set; }
    public long? RemovedAt { get; set; }
}

internal sealed class SecondFactorRowConfiguration : IEntityTypeConfiguration<SecondFactorRow>
{
    public void Configure(EntityTypeBuilder<SecondFactorRow> e)
    {
        e.ToTable("second_factors");
        e.HasKey(x => x.UserId);
        e.Property(x => x.UserId).HasMaxLength(40);
        e.Property(x => x.ProtectedSecret).HasMaxLength(200);
    }
}

internal sealed class RecoveryCodeRowConfiguration : IEntityTypeConfiguration<RecoveryCodeRow>
{
    public void Configure(EntityTypeBuilder<RecoveryCodeRow> e)
    {
        e.ToTable("recovery_codes");
        e.HasKey(x => new { x.UserId, x.Hash });
        e.Property(x => x.UserId).HasMaxLength(40);
        e.Property(x => x.Hash).HasMaxLength(64);
    }
}

internal sealed class AccountSecurityRowConfiguration : IEntityTypeConfiguration<AccountSecurityRow>
{
    public void Configure(EntityTypeBuilder<AccountSecurityRow> e)
    {
        e.ToTable("account_security");
        e.HasKey(x => x.AccountId);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.AllowedNetworks).HasMaxLength(4000);
    }
}

internal sealed class UserNetworksRowConfiguration : IEntityTypeConfiguration<UserNetworksRow>
{
    public void Configure(EntityTypeBuilder<UserNetworksRow> e)
    {
        e.ToTable("user_networks");
        e.HasKey(x => x.UserId);
        e.Property(x => x.UserId).HasMaxLength(40);
        e.Property(x => x.AllowedNetworks).HasMaxLength(4000);
    }
}

internal sealed class ClientCertificateRowConfiguration : IEntityTypeConfiguration<ClientCertificateRow>
{
    public void Configure(EntityTypeBuilder<ClientCertificateRow> e)
    {
        e.ToTable("client_certificates");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.Fingerprint).HasMaxLength(64);
        e.HasIndex(x => x.Fingerprint).IsUnique();
        e.HasIndex(x => x.UserId);
        e.Property(x => x.Subject).HasMaxLength(1024);
        e.Property(x => x.Issuer).HasMaxLength(1024);
        e.Property(x => x.SerialHex).HasMaxLength(64);
    }
}
