using Castellan.Validation.Contracts;

namespace Castellan.Protocols.Acme.Contracts;

/// <summary>RFC 8555 §7.1.6 status values, as they appear on the wire and in storage.</summary>
public static class AcmeStatus
{
    public const string Pending = "pending";
    public const string Ready = "ready";
    public const string Processing = "processing";
    public const string Valid = "valid";
    public const string Invalid = "invalid";
    public const string Deactivated = "deactivated";
    public const string Revoked = "revoked";
}

/// <summary>
/// An ACME account (RFC 8555 §7.1.2). <see cref="KeyThumbprint"/> (RFC 7638) is unique: one key, one account.
/// <see cref="RaAccountId"/> is set when the account was created with external account binding (§7.3.4): its orders
/// are RA orders of that account, in <see cref="RaGroupId"/>, for <see cref="ProductId"/> when the credential named one.
/// </summary>
public sealed record AcmeAccount(
    string Id,
    string Directory,
    string KeyThumbprint,
    string Jwk,
    string Status,
    IReadOnlyList<string> Contact,
    bool TermsOfServiceAgreed,
    DateTimeOffset CreatedAt)
{
    public string? RaAccountId { get; init; }
    public string? RaGroupId { get; init; }
    public string? ProductId { get; init; }
    public string? EabKeyId { get; init; }
}

/// <summary>
/// An ACME order (RFC 8555 §7.1.3). The certificate chain is kept with the order once issued, so downloading it is
/// one read. <see cref="AuthorizationIds"/> are in the order of <see cref="Identifiers"/>.
/// </summary>
public sealed record AcmeOrder(
    string Id,
    string AccountId,
    string Directory,
    string Status,
    DateTimeOffset Expires,
    IReadOnlyList<Identifier> Identifiers,
    IReadOnlyList<string> AuthorizationIds,
    string Profile,
    DateTimeOffset CreatedAt)
{
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>RFC 8555 problem document (JSON) of an invalid order.</summary>
    public string? Error { get; init; }

    public string? Replaces { get; init; }
    public string? CertificateSerial { get; init; }
    public string? CertificateChain { get; init; }

    /// <summary>The issuing CA, for Link rel="up" on the certificate download.</summary>
    public string? CaId { get; init; }

    /// <summary>The RA order that paid for the certificate, when the account is EAB-bound.</summary>
    public string? RaOrderId { get; init; }
}

/// <summary>
/// An authorization (RFC 8555 §7.1.4) with its challenges. All challenges of one authorization share one token
/// (as Boulder does): they prove the same thing, and one token keeps the row small. Each type in
/// <see cref="ChallengeTypes"/> is one challenge; at most one is attempted (<see cref="AttemptedChallenge"/>), and its
/// outcome is the authorization's status. <see cref="ProcessingChallenge"/> is set while the VA works.
/// <see cref="ValidatedBy"/> and <see cref="EvidenceId"/> are the method that proved control and the VA's record of it,
/// whether the proof was the attempted challenge or an earlier validation reused at newOrder (then no challenge was
/// attempted and the method may be one of the RA's): finalize checks CAA validationmethods against it (RFC 8657 §4).
/// </summary>
public sealed record AcmeAuthorization(
    string Id,
    string OrderId,
    string AccountId,
    Identifier Identifier,
    string Status,
    DateTimeOffset Expires,
    IReadOnlyList<string> ChallengeTypes,
    string Token)
{
    public string? ProcessingChallenge { get; init; }
    public string? AttemptedChallenge { get; init; }
    public DateTimeOffset? ValidatedAt { get; init; }
    public string? Error { get; init; }
    public ValidationMethod? ValidatedBy { get; init; }
    public string? EvidenceId { get; init; }
}

/// <summary>
/// External account binding credentials (RFC 8555 §7.3.4): a key id and an HMAC key, shown once. The HMAC key is
/// stored encrypted (AES-GCM), since verifying a binding needs the key itself; a hash would not do.
/// </summary>
public sealed record EabCredential(string KeyId, string AccountId, string? GroupId, string? ProductId, byte[] EncryptedKey, string CreatedBy, DateTimeOffset CreatedAt)
{
    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>The result of a finished validation, written with the order it may make ready or invalid.</summary>
public sealed record AuthorizationOutcome(string AuthorizationId, string OrderId, string Challenge, bool Valid, DateTimeOffset At, string? Error)
{
    /// <summary>The VA's validation record (passed or failed), when the VA stored one.</summary>
    public string? EvidenceId { get; init; }
}

/// <summary>The result of a finalize: a certificate, or the problem that made the order invalid.</summary>
public sealed record OrderOutcome(string OrderId, DateTimeOffset At, string? CertificateSerial, string? CertificateChain, string? CaId, string? RaOrderId, string? Error);
