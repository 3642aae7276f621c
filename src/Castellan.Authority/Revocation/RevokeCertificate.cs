using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Crl;

namespace Castellan.Authority.Revocation;

/// <summary>
/// Revokes by serial (RFC 5280 reason codes), puts on hold and releases. The revocation is committed before this
/// returns; the CRL is then regenerated (BR 4.9.7) and the OCSP answer re-signed.
/// </summary>
public sealed class RevokeCertificate(ICertificateStore certificates, CrlPublisher crls, IAuditLog audit, CertificateEvents events, TimeProvider clock)
{
    public static bool TryParseReason(string? text, out RevocationReason reason)
    {
        reason = RevocationReason.Unspecified;
        if (string.IsNullOrWhiteSpace(text)) return true;
        var t = text.Trim().Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (int.TryParse(t, out var code)) return Enum.IsDefined((RevocationReason)code) && (reason = (RevocationReason)code) == (RevocationReason)code;
        return Enum.TryParse(t, ignoreCase: true, out reason) && Enum.IsDefined(reason);
    }

    public async Task<Result<IssuedCertificate>> RevokeAsync(SerialNumber serial, RevocationReason reason, string actor, CancellationToken ct)
    {
        if (reason == RevocationReason.RemoveFromCrl) return new MalformedInput("removeFromCRL is only used in delta CRLs; release a hold instead");
        var outcome = await certificates.RevokeAsync(serial, reason, clock.GetUtcNow(), ct);
        var cert = await certificates.GetAsync(serial, ct);
        switch (outcome)
        {
            case RevocationOutcome.NotFound:
                return new NotFound("certificate", $"certificate {serial} does not exist");
            case RevocationOutcome.AlreadyRevoked:
                return new Conflict($"certificate {serial} is already revoked");
        }
        await audit.AppendAsync(new AuditEvent(actor, reason == RevocationReason.CertificateHold ? "certificate.held" : "certificate.revoked",
            $"certificate:{serial}", JsonSerializer.Serialize(new { serial = serial.Hex, reason = reason.ToString(), ca = cert!.CaId })), CancellationToken.None);
        await AfterChangeAsync(cert, actor, ct);
        return cert;
    }

    public async Task<Result<IssuedCertificate>> ReleaseHoldAsync(SerialNumber serial, string actor, CancellationToken ct)
    {
        var outcome = await certificates.ReleaseHoldAsync(serial, ct);
        if (outcome == RevocationOutcome.NotFound) return new NotFound("certificate", $"certificate {serial} does not exist");
        if (outcome == RevocationOutcome.NotOnHold) return new Conflict($"certificate {serial} is not on hold");
        var cert = (await certificates.GetAsync(serial, ct))!;
        await audit.AppendAsync(new AuditEvent(actor, "certificate.released", $"certificate:{serial}",
            JsonSerializer.Serialize(new { serial = serial.Hex, ca = cert.CaId })), CancellationToken.None);
        await AfterChangeAsync(cert, actor, ct);
        return cert;
    }

    private async Task AfterChangeAsync(IssuedCertificate cert, string actor, CancellationToken ct)
    {
        events.Publish(new CertificateStatusChanged(cert.CaId, cert.Serial));
        // The revocation is already durable; a failed CRL run is healed by the hourly refresh.
        await crls.PublishAsync(cert.CaId, actor, ct);
    }
}
