namespace Castellan.Authority.Contracts;

public enum CertificateStatus
{
    /// <summary>Serial and exact to-be-signed bytes recorded; signature not yet stored.</summary>
    Reserved,
    Valid,
    Revoked,

    /// <summary>Revoked with reason certificateHold; can be released back to Valid.</summary>
    OnHold,

    /// <summary>A reservation that never completed (crash, or the signer failed). Never returned to anyone.</summary>
    Abandoned,
}

/// <summary>RFC 5280 5.3.1 CRLReason codes (value 7 is unused).</summary>
public enum RevocationReason
{
    Unspecified = 0,
    KeyCompromise = 1,
    CaCompromise = 2,
    AffiliationChanged = 3,
    Superseded = 4,
    CessationOfOperation = 5,
    CertificateHold = 6,
    RemoveFromCrl = 8,
    PrivilegeWithdrawn = 9,
    AaCompromise = 10,
}

/// <summary>A certificate the CA has reserved or issued, as stored.</summary>
public sealed record IssuedCertificate
{
    public required SerialNumber Serial { get; init; }
    public required string CaId { get; init; }
    public required string ProfileId { get; init; }
    public required string SubjectDn { get; init; }

    /// <summary>Subject alternative names as typed strings: "dns:example.com", "ip:192.0.2.1", "email:a@b", "uri:…".</summary>
    public required IReadOnlyList<string> Sans { get; init; }

    public required DateTimeOffset NotBefore { get; init; }
    public required DateTimeOffset NotAfter { get; init; }
    public required CertificateStatus Status { get; init; }
    public required DateTimeOffset RecordedAt { get; init; }
    public required string RequestedBy { get; init; }

    /// <summary>SHA-256 of the exact TBSCertificate recorded before signing.</summary>
    public required byte[] TbsHash { get; init; }

    /// <summary>The exact TBSCertificate, present while <see cref="CertificateStatus.Reserved"/>: a key that signs
    /// deterministically turns it into the one certificate it can be (see <see cref="Issuance.InterruptedIssuance"/>).</summary>
    public byte[]? Tbs { get; init; }

    public byte[]? Der { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public RevocationReason? RevocationReason { get; init; }
    public string? KeyAlgorithm { get; init; }
}

public sealed record CertificateQuery
{
    public string? Serial { get; init; }
    public string? Subject { get; init; }
    public string? San { get; init; }
    public CertificateStatus? Status { get; init; }
    public string? CaId { get; init; }
    public DateTimeOffset? ExpiresAfter { get; init; }
    public DateTimeOffset? ExpiresBefore { get; init; }
    public int Skip { get; init; }
    public int Take { get; init; } = 50;
}

public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Skip, int Take);

/// <summary>A revoked entry for CRL and OCSP.</summary>
public readonly record struct RevokedEntry(SerialNumber Serial, DateTimeOffset RevokedAt, RevocationReason Reason);

public enum RevocationOutcome
{
    Revoked,
    NotFound,
    AlreadyRevoked,
    NotOnHold,
    Released,
}

/// <summary>Storage of issued certificates, implemented by Castellan.Storage. Serial uniqueness is the database's job.</summary>
public interface ICertificateStore
{
    /// <summary>Step 3 of issuance: durably records serial, TBS and its hash. Returns false if the serial already exists.</summary>
    Task<bool> ReserveAsync(IssuedCertificate reservation, CancellationToken ct);

    /// <summary>Step 3: stores the signed certificate; only after this returns is it handed to the caller.</summary>
    Task CompleteAsync(SerialNumber serial, byte[] der, CancellationToken ct);

    /// <summary>Marks a reservation that will never complete.</summary>
    Task AbandonAsync(SerialNumber serial, CancellationToken ct);

    /// <summary>Reservations recorded before <paramref name="before"/> that are still open, with their TBS (restart after a crash).</summary>
    Task<IReadOnlyList<IssuedCertificate>> OpenReservationsAsync(DateTimeOffset before, CancellationToken ct);

    /// <summary>Marks every reservation recorded before <paramref name="before"/> as abandoned (restart after a crash).</summary>
    Task<int> AbandonStaleReservationsAsync(DateTimeOffset before, CancellationToken ct);

    Task<IssuedCertificate?> GetAsync(SerialNumber serial, CancellationToken ct);

    Task<Page<IssuedCertificate>> SearchAsync(CertificateQuery query, CancellationToken ct);

    /// <summary>Revokes in one conditional update; durable when it returns. A successful revocation records a
    /// <see cref="ChangeKind.CertificateStatus"/> change in the same transaction.</summary>
    Task<RevocationOutcome> RevokeAsync(SerialNumber serial, RevocationReason reason, DateTimeOffset at, CancellationToken ct);

    /// <summary>Releases a certificateHold back to Valid, recording a <see cref="ChangeKind.CertificateStatus"/> change.</summary>
    Task<RevocationOutcome> ReleaseHoldAsync(SerialNumber serial, CancellationToken ct);

    /// <summary>Revoked and on-hold certificates of a CA that have not yet expired (RFC 5280 allows dropping expired ones).</summary>
    Task<IReadOnlyList<RevokedEntry>> ListRevokedAsync(string caId, DateTimeOffset notExpiredAt, CancellationToken ct);

    /// <summary>Serial, status and revocation facts for every valid or revoked certificate of a CA; for OCSP pre-signing.</summary>
    IAsyncEnumerable<IssuedCertificate> ListForStatusAsync(string caId, DateTimeOffset notExpiredAt, CancellationToken ct);
}
