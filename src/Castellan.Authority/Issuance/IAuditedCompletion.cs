using Castellan.Auditing;

namespace Castellan.Authority.Issuance;

/// <summary>
/// Optional ability of an <see cref="Contracts.ICertificateStore"/>: store a signed certificate (step 5 of
/// docs/flows/issuance.md) and append its "certificate.issued" audit entry in one transaction. The entry then exists
/// exactly when the certificate does, and issuance waits for one durable commit after signing instead of two.
/// Stores without it get the two separate calls, in that order.
/// </summary>
public interface IAuditedCompletion
{
    /// <summary>Completes the open reservation of <paramref name="serial"/> and appends <paramref name="issued"/>;
    /// returns once both are durable. Throws, with neither written, when the reservation is not open.</summary>
    Task<AuditEntry> CompleteAsync(SerialNumber serial, byte[] der, AuditEvent issued, CancellationToken ct);
}
