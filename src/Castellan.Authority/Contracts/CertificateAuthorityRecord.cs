namespace Castellan.Authority.Contracts;

public enum CaKind
{
    Root,
    Intermediate,
}

public enum CaStatus
{
    /// <summary>Issues certificates and publishes CRL/OCSP.</summary>
    Active,

    /// <summary>Generated key and CSR exported; waits for the external root's signed certificate.</summary>
    AwaitingCertificate,

    /// <summary>Replaced by a rotation: issues nothing new, still signs CRLs and OCSP for what it issued.</summary>
    Retired,

    /// <summary>Switched off by an operator: issues nothing; still publishes revocation status.</summary>
    Disabled,
}

/// <summary>A CA of the hierarchy as stored. <see cref="CertificateDer"/> is null only while awaiting an external signature.</summary>
public sealed record CertificateAuthorityRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required CaKind Kind { get; init; }
    public string? ParentId { get; init; }
    public required string SubjectDn { get; init; }
    public required KeyAlgorithm KeyAlgorithm { get; init; }
    public required KeyReference Key { get; init; }
    public byte[]? CertificateDer { get; init; }
    public byte[]? CsrDer { get; init; }
    public required CaStatus Status { get; init; }
    public int? PathLength { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>The CA that replaced this one by rotation.</summary>
    public string? ReplacedBy { get; init; }

    /// <summary>Delegated OCSP responder (id-kp-OCSPSigning, id-pkix-ocsp-nocheck) and its key, per RFC 6960 4.2.2.2.</summary>
    public byte[]? OcspResponderCertificateDer { get; init; }
    public KeyReference? OcspResponderKey { get; init; }

    /// <summary>Name constraints given at creation, kept for display: permitted and excluded DNS subtrees.</summary>
    public IReadOnlyList<string> PermittedDnsNames { get; init; } = [];
    public IReadOnlyList<string> ExcludedDnsNames { get; init; } = [];

    /// <summary>For an intermediate signed by an external root: the external chain above it, as PEM.</summary>
    public string? ExternalChainPem { get; init; }

    public bool CanIssue => Status == CaStatus.Active && CertificateDer is not null;
}

/// <summary>Storage of the CA hierarchy, implemented by Castellan.Storage.</summary>
public interface ICaStore
{
    Task<IReadOnlyList<CertificateAuthorityRecord>> ListAsync(CancellationToken ct);

    Task<CertificateAuthorityRecord?> GetAsync(string id, CancellationToken ct);

    /// <summary>Adds a CA; returns false when the id is taken. Records a <see cref="ChangeKind.CertificateAuthority"/>
    /// entry in the change feed in the same transaction.</summary>
    Task<bool> AddAsync(CertificateAuthorityRecord ca, CancellationToken ct);

    /// <summary>Replaces a CA's record; records a <see cref="ChangeKind.CertificateAuthority"/> change in the same transaction.</summary>
    Task UpdateAsync(CertificateAuthorityRecord ca, CancellationToken ct);

    /// <summary>Atomically increments and returns the CA's CRL number (RFC 5280 5.2.3: monotonically increasing).</summary>
    Task<long> NextCrlNumberAsync(string caId, CancellationToken ct);

    Task SaveCrlAsync(PublishedCrl crl, CancellationToken ct);

    Task<PublishedCrl?> GetLatestCrlAsync(string caId, int shard, CancellationToken ct);
}

/// <summary>A signed CRL as published at the CA's distribution point.</summary>
public sealed record PublishedCrl(string CaId, int Shard, long Number, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate, int EntryCount, byte[] Der);
