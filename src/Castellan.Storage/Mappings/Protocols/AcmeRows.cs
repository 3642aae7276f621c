using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Castellan.Storage.Entities;

/// <summary>acme_accounts: one row per ACME account; the key thumbprint is unique (one key, one account).</summary>
public sealed class AcmeAccountRow
{
    public string Id { get; set; } = "";
    public string Directory { get; set; } = "";
    public string KeyThumbprint { get; set; } = "";
    public string Jwk { get; set; } = "";
    public string Status { get; set; } = "";
    public string Contact { get; set; } = "[]";
    public bool TermsOfServiceAgreed { get; set; }
    public string? RaAccountId { get; set; }
    public string? RaGroupId { get; set; }
    public string? ProductId { get; set; }
    public string? EabKeyId { get; set; }
    public long CreatedAt { get; set; }
}

/// <summary>acme_orders: identifiers and authorization ids as JSON (read whole, never queried inside); the chain once issued.</summary>
public sealed class AcmeOrderRow
{
    public string Id { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string Directory { get; set; } = "";
    public string Status { get; set; } = "";
    public long Expires { get; set; }
    public string Identifiers { get; set; } = "[]";
    public string AuthorizationIds { get; set; } = "[]";
    public string Profile { get; set; } = "";
    public long? NotBefore { get; set; }
    public long? NotAfter { get; set; }
    public string? Error { get; set; }
    public string? Replaces { get; set; }
    public string? CertificateSerial { get; set; }
    public string? CertificateChain { get; set; }
    public string? CaId { get; set; }
    public string? RaOrderId { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
}

/// <summary>acme_authorizations: the challenges are the types listed in ChallengeTypes, sharing one token.</summary>
public sealed class AcmeAuthorizationRow
{
    public string Id { get; set; } = "";
    public string OrderId { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string IdentifierType { get; set; } = "";
    public string IdentifierValue { get; set; } = "";
    public string Status { get; set; } = "";
    public long Expires { get; set; }
    public string ChallengeTypes { get; set; } = "";
    public string Token { get; set; } = "";
    public string? ProcessingChallenge { get; set; }
    public string? AttemptedChallenge { get; set; }
    public long? ValidatedAt { get; set; }
    public string? Error { get; set; }

    /// <summary>The RFC 8657 label of the method that proved control (the challenge, or a reused validation's method).</summary>
    public string? ValidatedBy { get; set; }

    /// <summary>The validation record relied on (validation_records.Id).</summary>
    public string? EvidenceId { get; set; }
}

/// <summary>acme_eab_credentials: the HMAC key only encrypted (AES-GCM, key id as associated data).</summary>
public sealed class AcmeEabCredentialRow
{
    public string KeyId { get; set; } = "";
    public string AccountId { get; set; } = "";
    public string? GroupId { get; set; }
    public string? ProductId { get; set; }
    public byte[] EncryptedKey { get; set; } = [];
    public string CreatedBy { get; set; } = "";
    public long CreatedAt { get; set; }
    public long? RevokedAt { get; set; }
}

/// <summary>acme_ca_replacements: when an operator started replacing every certificate of a CA (RFC 9773 windows move to now).</summary>
public sealed class AcmeCaReplacementRow
{
    public long Id { get; set; }
    public string CaId { get; set; } = "";
    public long StartedAt { get; set; }
    public string StartedBy { get; set; } = "";
}

internal sealed class AcmeAccountRowConfiguration : IEntityTypeConfiguration<AcmeAccountRow>
{
    public void Configure(EntityTypeBuilder<AcmeAccountRow> e)
    {
        e.ToTable("acme_accounts");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.Directory).HasMaxLength(64);
        e.Property(x => x.KeyThumbprint).HasMaxLength(64);
        e.Property(x => x.Jwk).HasMaxLength(4096);
        e.Property(x => x.Status).HasMaxLength(20);
        e.Property(x => x.RaAccountId).HasMaxLength(40);
        e.Property(x => x.RaGroupId).HasMaxLength(100);
        e.Property(x => x.ProductId).HasMaxLength(40);
        e.Property(x => x.EabKeyId).HasMaxLength(40);
        // RFC 8555 §7.3: a key identifies one account; the database settles two racing newAccount requests.
        e.HasIndex(x => x.KeyThumbprint).IsUnique();
    }
}

internal sealed class AcmeOrderRowConfiguration : IEntityTypeConfiguration<AcmeOrderRow>
{
    public void Configure(EntityTypeBuilder<AcmeOrderRow> e)
    {
        e.ToTable("acme_orders");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.Directory).HasMaxLength(64);
        e.Property(x => x.Status).HasMaxLength(20);
        e.Property(x => x.Profile).HasMaxLength(64);
        e.Property(x => x.Replaces).HasMaxLength(200);
        e.Property(x => x.CertificateSerial).HasMaxLength(64);
        e.Property(x => x.CaId).HasMaxLength(100);
        e.Property(x => x.RaOrderId).HasMaxLength(40);
        e.HasIndex(x => new { x.AccountId, x.CreatedAt });
        e.HasIndex(x => x.CertificateSerial);
        // The expiry sweep's search (pending/ready orders past expires).
        e.HasIndex(x => new { x.Status, x.Expires });
    }
}

internal sealed class AcmeAuthorizationRowConfiguration : IEntityTypeConfiguration<AcmeAuthorizationRow>
{
    public void Configure(EntityTypeBuilder<AcmeAuthorizationRow> e)
    {
        e.ToTable("acme_authorizations");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40);
        e.Property(x => x.OrderId).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.IdentifierType).HasMaxLength(10);
        e.Property(x => x.IdentifierValue).HasMaxLength(260);
        e.Property(x => x.Status).HasMaxLength(20);
        e.Property(x => x.ChallengeTypes).HasMaxLength(100);
        e.Property(x => x.Token).HasMaxLength(64);
        e.Property(x => x.ProcessingChallenge).HasMaxLength(20);
        e.Property(x => x.AttemptedChallenge).HasMaxLength(20);
        e.Property(x => x.ValidatedBy).HasMaxLength(40);
        e.Property(x => x.EvidenceId).HasMaxLength(40);
        // The order's "are all authorizations valid?" check reads by order.
        e.HasIndex(x => new { x.OrderId, x.Status });
        e.HasIndex(x => new { x.Status, x.Expires });
    }
}

internal sealed class AcmeEabCredentialRowConfiguration : IEntityTypeConfiguration<AcmeEabCredentialRow>
{
    public void Configure(EntityTypeBuilder<AcmeEabCredentialRow> e)
    {
        e.ToTable("acme_eab_credentials");
        e.HasKey(x => x.KeyId);
        e.Property(x => x.KeyId).HasMaxLength(40);
        e.Property(x => x.AccountId).HasMaxLength(40);
        e.Property(x => x.GroupId).HasMaxLength(100);
        e.Property(x => x.ProductId).HasMaxLength(40);
        e.Property(x => x.CreatedBy).HasMaxLength(100);
        e.HasIndex(x => x.AccountId);
        e.HasOne<AccountRow>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AcmeCaReplacementRowConfiguration : IEntityTypeConfiguration<AcmeCaReplacementRow>
{
    public void Configure(EntityTypeBuilder<AcmeCaReplacementRow> e)
    {
        e.ToTable("acme_ca_replacements");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.Property(x => x.CaId).HasMaxLength(100);
        e.Property(x => x.StartedBy).HasMaxLength(100);
        e.HasIndex(x => new { x.CaId, x.StartedAt });
    }
}

/// <summary>acme_used_nonces: RFC 8555 §6.5 single use across nodes; the primary key refuses a replayed nonce.</summary>
public sealed class AcmeUsedNonceRow
{
    public string Nonce { get; set; } = "";
    public long Expires { get; set; }
}

/// <summary>acme_secrets: keys every node must share (the nonce HMAC key), created by whichever node needs one first.</summary>
public sealed class AcmeSecretRow
{
    public string Name { get; set; } = "";
    public byte[] Value { get; set; } = [];
}

internal sealed class AcmeUsedNonceRowConfiguration : IEntityTypeConfiguration<AcmeUsedNonceRow>
{
    public void Configure(EntityTypeBuilder<AcmeUsedNonceRow> e)
    {
        e.ToTable("acme_used_nonces");
        e.HasKey(x => x.Nonce);
        e.Property(x => x.Nonce).HasMaxLength(64);
        e.HasIndex(x => x.Expires);
    }
}

internal sealed class AcmeSecretRowConfiguration : IEntityTypeConfiguration<AcmeSecretRow>
{
    public void Configure(EntityTypeBuilder<AcmeSecretRow> e)
    {
        e.ToTable("acme_secrets");
        e.HasKey(x => x.Name);
        e.Property(x => x.Name).HasMaxLength(64);
    }
}
