using System.Security.Cryptography;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Authority.Issuance;
using Castellan.Registration.Contracts;

namespace Castellan.Registration.Enrollment;

/// <summary>What the collection page offers: the certificate and its chain (CSR keys), or a server-key PKCS#12 to make.</summary>
public sealed record Collection(string InvitationId, string Email, string PolicyName, EnrolmentKeySource KeySource, string? Serial, string? CertificatePem, string? ChainPem);

/// <summary>
/// Seed 001 stage two, "User Reaction": the applicant activates (collects) the certificate through the collection link.
/// For a CSR the certificate and chain are handed over (the page wraps them with the browser-held key into a PKCS#12;
/// the key never reaches the server); the link keeps working until it expires, since a certificate is no secret. For a
/// server key the CA generates the key now and returns it once inside a PBES2 PKCS#12: that link works exactly once.
/// docs/flows/enrolment.md step 5.
/// </summary>
public sealed class CollectCertificate(IEnrolmentStore store, ICertificateStore certificates, CaDirectory cas, IssueCertificate issuer, DecideEnrolment decide,
    IAuditLog audit, TimeProvider clock)
{
    public async Task<Result<Collection>> ReadAsync(string? token, string? address, CancellationToken ct)
    {
        var found = await FindAsync(token, ct);
        if (found.IsError) return found.Error;
        var (invitation, policy) = found.Value;
        if (invitation.KeySource == EnrolmentKeySource.Server)
            return new Collection(invitation.Id, invitation.Email, policy.Name, EnrolmentKeySource.Server, null, null, null);
        var cert = invitation.CertificateSerial is { } s && SerialNumber.TryParse(s, out var serial) ? await certificates.GetAsync(serial, ct) : null;
        if (cert?.Der is null) return new Conflict("the certificate is not available");
        var chain = await cas.ChainAsync(cert.CaId, ct);
        if (invitation.Status == InvitationStatus.Approved)
        {
            var now = clock.GetUtcNow();
            var collected = invitation with { Status = InvitationStatus.Collected, CollectedAt = now, UpdatedAt = now };
            if (await store.TransitionAsync(collected, InvitationStatus.Approved, ct))
                await EnrolmentLinks.AuditAsync(audit, new RequestOrigin($"invitee:{invitation.Id}", address), "enrolment.collected", collected, new { serial = cert.Serial.Hex });
        }
        return new Collection(invitation.Id, invitation.Email, policy.Name, invitation.KeySource ?? EnrolmentKeySource.PastedCsr, cert.Serial.Hex,
            PemEncoding.WriteString("CERTIFICATE", cert.Der) + "\n", string.Concat(chain.Select(c => PemEncoding.WriteString("CERTIFICATE", c.RawData) + "\n")));
    }

    /// <summary>Server keys only: claims the link (once), has the CA generate key and certificate, returns the PKCS#12.</summary>
    public async Task<Result<byte[]>> Pkcs12Async(string? token, string? password, string? address, CancellationToken ct)
    {
        var found = await FindAsync(token, ct);
        if (found.IsError) return found.Error;
        var (invitation, policy) = found.Value;
        if (invitation.KeySource != EnrolmentKeySource.Server) return new Conflict("this certificate's key is yours, not the CA's; download the certificate instead");
        if (password is not { Length: >= 8 and <= 256 }) return new EnrolmentFormInvalid([new FieldError("password", "choose a password of at least 8 characters to protect the PKCS#12")]);
        var now = clock.GetUtcNow();
        var claimed = invitation with { Status = InvitationStatus.Collected, CollectedAt = now, UpdatedAt = now };
        if (!await store.TransitionAsync(claimed, InvitationStatus.Approved, ct)) return new EnrolmentLinkUnusable(LinkState.Used);
        var origin = new RequestOrigin($"invitee:{invitation.Id}", address);
        var request = await decide.IssuanceRequestAsync(invitation, policy, origin.Actor, ct);
        var issued = request.IsError ? request.Error : await issuer.WithGeneratedKeyAsync(new KeyGenerationRequest { Issuance = request.Value, Password = password }, ct);
        if (issued.IsError)
        {
            // Nothing was handed over: give the link back so the applicant can try again.
            await store.TransitionAsync(invitation with { Reason = issued.Error.Detail, UpdatedAt = clock.GetUtcNow() }, InvitationStatus.Collected, ct);
            await EnrolmentLinks.AuditAsync(audit, origin, "enrolment.issuance-failed", invitation, new { reason = issued.Error.Detail });
            return issued.Error;
        }
        var serial = issued.Value.Issued.Certificate.Serial.Hex;
        await store.TransitionAsync(claimed with { CertificateSerial = serial }, InvitationStatus.Collected, ct);
        await EnrolmentLinks.AuditAsync(audit, origin, "enrolment.collected", claimed, new { serial, key = "server-generated, returned once as PKCS#12" });
        return issued.Value.Pkcs12;
    }

    private async Task<Result<(Invitation, EnrolmentPolicy)>> FindAsync(string? token, CancellationToken ct)
    {
        if (!EnrolmentLinks.WellFormed(token, EnrolmentLinks.CollectPrefix)) return new EnrolmentLinkUnusable(LinkState.Unknown);
        var invitation = await store.FindByCollectTokenHashAsync(EnrolmentLinks.Hash(token!), ct);
        if (invitation is null) return new EnrolmentLinkUnusable(LinkState.Unknown);
        if (invitation.Status == InvitationStatus.Collected && invitation.KeySource == EnrolmentKeySource.Server) return new EnrolmentLinkUnusable(LinkState.Used);
        if (invitation.Status is not (InvitationStatus.Approved or InvitationStatus.Collected)) return new EnrolmentLinkUnusable(LinkState.Unknown);
        if (invitation.CollectExpiresAt is { } e && e <= clock.GetUtcNow()) return new EnrolmentLinkUnusable(LinkState.Expired);
        var policy = await store.GetPolicyAsync(invitation.PolicyId, ct);
        return policy is null ? new EnrolmentLinkUnusable(LinkState.Unknown) : (invitation, policy);
    }
}
