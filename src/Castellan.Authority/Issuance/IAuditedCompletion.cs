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
    /// returns once both are committed: durable, or with <paramref name="reproducible"/> visible and safe from a
    /// process crash but possibly not yet flushed to disk. Reproducible means the signing key is deterministic, so the
    /// durably reserved TBS re-signs into this very certificate (<see cref="InterruptedIssuance"/>) if a power loss
    /// drops the completion. Throws, with neither written, when the reservation is not open.</summary>
    Task<AuditEntry> CompleteAsync(SerialNumber serial, byte[] der, AuditEvent issued, bool reproducible, CancellationToken ct);
}
