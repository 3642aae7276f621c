namespace Castellan.Storage.Entities;

// Rows as stored. Timestamps are Unix milliseconds (long) so SQLite and PostgreSQL order and compare them alike.

public sealed class CaRow
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public int Kind { get; set; }
    public string? ParentId { get; set; }
    public string SubjectDn { get; set; } = "";
    public int KeyAlgorithm { get; set; }
    public string KeyStore { get; set; } = "";
    public string KeyHandle { get; set; } = "";
    public byte[]? CertificateDer { get; set; }
    public byte[]? CsrDer { get; set; }
    public int Status { get; set; }
    public int? PathLength { get; set; }
    public long CreatedAt { get; set; }
    public long? NotAfter { get; set; }
    public string? ReplacedBy { get; set; }
    public byte[]? OcspResponderCertificateDer { get; set; }
    public string? OcspResponderKeyStore { get; set; }
    public string? OcspResponderKeyHandle { get; set; }
    public string PermittedDns { get; set; } = "";
    public string ExcludedDns { get; set; } = "";
    public string? ExternalChainPem { get; set; }
    public long CrlNumber { get; set; }
}

public sealed class CertificateRow
{
    public string Serial { get; set; } = "";
    public string CaId { get; set; } = "";
    public string ProfileId { get; set; } = "";
    public string SubjectDn { get; set; } = "";
    public string Sans { get; set; } = "";
    public long NotBefore { get; set; }
    public long NotAfter { get; set; }
    public int Status { get; set; }
    public long RecordedAt { get; set; }
    public string RequestedBy { get; set; } = "";
    public byte[] TbsHash { get; set; } = [];

    /// <summary>The exact TBSCertificate, kept while the row is Reserved (recovery re-signs it) and cleared when the
    /// signed certificate, which contains it, is stored.</summary>
    public byte[]? Tbs { get; set; }

    public byte[]? Der { get; set; }
    public long? RevokedAt { get; set; }
    public int? RevocationReason { get; set; }
    public string? KeyAlgorithm { get; set; }
}

public sealed class CrlRow
{
    public string CaId { get; set; } = "";
    public int Shard { get; set; }
    public long Number { get; set; }
    public long ThisUpdate { get; set; }
    public long NextUpdate { get; set; }
    public int EntryCount { get; set; }
    public byte[] Der { get; set; } = [];
}

public sealed class ProfileRow
{
    public string Id { get; set; } = "";
    public string Json { get; set; } = "";
}

public sealed class AuditRow
{
    public long Sequence { get; set; }
    public long At { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string Target { get; set; } = "";
    public string DetailsJson { get; set; } = "";
    public string? SourceAddress { get; set; }
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";
}

public sealed class ApiKeyRow
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Hash { get; set; } = "";
    public string Role { get; set; } = "";
    public long CreatedAt { get; set; }
    public long? RevokedAt { get; set; }

    /// <summary>The membership a user's key is scoped to; both null for operator automation keys.</summary>
    public string? UserId { get; set; }
    public string? AccountId { get; set; }
}

/// <summary>
/// One committed change other nodes must learn about (a revocation, a CA update). Written in the same transaction as
/// the change itself; the id orders the feed (see Stores/ChangeLog.cs).
/// </summary>
public sealed class StatusChangeRow
{
    public long Id { get; set; }
    public long At { get; set; }
    public int Kind { get; set; }
    public string CaId { get; set; } = "";
    public string? Serial { get; set; }
}
