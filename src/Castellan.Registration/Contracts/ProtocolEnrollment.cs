namespace Castellan.Registration.Contracts;

/// <summary>
/// The RA account an enrolment protocol account is bound to (ACME external account binding, RFC 8555 §7.3.4): its
/// orders land in <see cref="AccountId"/> (and <see cref="GroupId"/>), are priced, paid and audited like any order.
/// <see cref="Actor"/> names the protocol account in the audit log (e.g. "acme:ACCOUNTID").
/// </summary>
public sealed record ProtocolBinding(string AccountId, string? GroupId, string Actor);

/// <summary>
/// A certificate request from a protocol front end (ACME, later EST/SCEP/CMP) whose names the protocol has already
/// proven (domain control validated, CSR matched to the order). <see cref="Key"/> makes the request idempotent
/// (the ACME order id). <see cref="Binding"/> null means the protocol's own unbound subscribers: the product's
/// profile, CA and validity are used and no RA order is kept (docs/flows/acme.md).
/// </summary>
public sealed record ProtocolEnrollmentRequest(
    string ProductId,
    string CsrPem,
    IReadOnlyList<string> Sans,
    int? ValidityDays,
    string Key,
    string Actor,
    string? Address,
    ProtocolBinding? Binding)
{
    /// <summary>
    /// Per DNS name (lower case), who asks and by which method the protocol proved it, for CAA's RFC 8657 parameters
    /// when the product needs the RA's CAA check; names not listed are checked as an unknown requester.
    /// </summary>
    public IReadOnlyDictionary<string, Castellan.Validation.Contracts.CaaRequester>? CaaRequesters { get; init; }
}

/// <summary>What a protocol hands back to its client: the leaf and its chain up to (excluding nothing) the root.</summary>
public sealed record ProtocolCertificate(string Serial, string CaId, DateTimeOffset NotBefore, DateTimeOffset NotAfter, byte[] Der, string ChainPem, string? OrderId);

/// <summary>
/// The facts a protocol needs about an issued certificate (ACME revokeCert and renewalInfo). <paramref name="RecordedAt"/>
/// is when the CA recorded it: unlike NotBefore it is not backdated, so "issued before a CA replacement started" holds.
/// </summary>
public sealed record ProtocolCertificateStatus(string Serial, string CaId, DateTimeOffset NotBefore, DateTimeOffset NotAfter, bool Revoked, byte[]? Der, DateTimeOffset RecordedAt);
