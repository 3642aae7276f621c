using System.Security.Cryptography;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Encoding;
using Castellan.Authority.Linting;
using Microsoft.Extensions.Options;

namespace Castellan.Authority.Issuance;

/// <summary>
/// Record, lint, then sign: the one path by which any certificate is signed, subscriber or CA.
/// Steps are numbered as in docs/flows/issuance.md.
/// </summary>
public sealed class IssuancePipeline(
    ICertificateStore certificates,
    CertificateLinter linter,
    IAuditLog audit,
    IOptions<AuthorityOptions> options,
    PublicationUrlProvider urls,
    CertificateEvents events,
    TimeProvider clock)
{
    private const int SerialAttempts = 3;

    public async Task<Result<IssuedCertificate>> IssueAsync(IssuerContext issuer, CertificateTemplate template, string requestedBy, CancellationToken ct)
    {
        var selfSigned = issuer.Certificate is null;
        for (var attempt = 1; attempt <= SerialAttempts; attempt++)
        {
            // 1. Build the exact TBSCertificate.
            var tbs = TbsBuilder.Build(template, issuer, urls.Current);

            // 2. Lint it; a failing rule stops issuance before anything is recorded or signed.
            if (linter.Check(tbs, issuer.Key.SignatureAlgorithmIdentifier, template.Profile, selfSigned) is { } lint) return lint;

            // 3. Record serial, TBS and its hash durably; the database refuses a serial it has seen.
            var record = new IssuedCertificate
            {
                Serial = template.Serial,
                CaId = issuer.Ca.Id,
                ProfileId = template.Profile.Id,
                SubjectDn = template.Subject.Name,
                Sans = template.Sans.Select(s => s.ToString()).ToList(),
                NotBefore = template.NotBefore,
                NotAfter = template.NotAfter,
                Status = CertificateStatus.Reserved,
                RecordedAt = clock.GetUtcNow(),
                RequestedBy = requestedBy,
                TbsHash = SHA256.HashData(tbs),
                Tbs = tbs,
                KeyAlgorithm = CsrReader.Inspect(template.PublicKey) is { IsError: false } k ? k.Value.ToString() : null,
            };
            if (!await certificates.ReserveAsync(record, ct))
            {
                template = template with { Serial = SerialNumber.NewRandom() };
                continue;
            }

            return await SignAndStoreAsync(issuer, record, tbs, requestedBy, resumed: false);
        }
        throw new InvalidOperationException($"no unused serial after {SerialAttempts} random draws; the CSPRNG or the store is broken");
    }

    /// <summary>
    /// Steps 4 and 5 for a reservation a crash left open: signs its recorded TBS and stores the certificate. Only for
    /// a key that <see cref="CaSigningKey.SignsDeterministically"/>: the result is then the very certificate the
    /// interrupted run may have returned, not merely one with the same serial. Returns null (nothing written) when the
    /// reservation cannot be resumed that way. The audit entry names <paramref name="actor"/> and says "resumed".
    /// </summary>
    public async Task<IssuedCertificate?> ResumeAsync(IssuerContext issuer, IssuedCertificate reservation, string actor)
    {
        if (reservation.Status != CertificateStatus.Reserved || reservation.CaId != issuer.Ca.Id || !issuer.Key.SignsDeterministically) return null;
        if (reservation.Tbs is not { } tbs || !SHA256.HashData(tbs).AsSpan().SequenceEqual(reservation.TbsHash)) return null;
        return await SignAndStoreAsync(issuer, reservation, tbs, actor, resumed: true);
    }

    private async Task<IssuedCertificate> SignAndStoreAsync(IssuerContext issuer, IssuedCertificate record, byte[] tbs, string actor, bool resumed)
    {
        // 4. Sign inside key custody and assemble the certificate.
        byte[] der;
        try
        {
            var signature = issuer.Key.Sign(tbs);
            der = ExtensionEncoder.AssembleSigned(tbs, issuer.Key.SignatureAlgorithmIdentifier.Span, signature);
        }
        catch when (!resumed)
        {
            await certificates.AbandonAsync(record.Serial, CancellationToken.None);
            throw;
        }

        // 5. Store the signed certificate and audit it; only now may it reach the caller. With a deterministic key the
        //    certificate is already fixed by step 3's durable record, so this commit need not wait for the disk.
        var issued = record with { Status = CertificateStatus.Valid, Der = der, Tbs = null };
        var entry = new AuditEvent(actor, "certificate.issued", $"certificate:{issued.Serial}",
            JsonSerializer.Serialize(new { serial = issued.Serial.Hex, ca = issuer.Ca.Id, profile = issued.ProfileId, subject = issued.SubjectDn, sans = issued.Sans, notAfter = issued.NotAfter, resumed = resumed ? true : (bool?)null },
                OmitNulls));
        if (certificates is IAuditedCompletion together)
        {
            await together.CompleteAsync(record.Serial, der, entry, reproducible: issuer.Key.SignsDeterministically && !resumed, CancellationToken.None);
        }
        else
        {
            await certificates.CompleteAsync(record.Serial, der, CancellationToken.None);
            await audit.AppendAsync(entry, CancellationToken.None);
        }
        events.Publish(new CertificateStatusChanged(issued.CaId, issued.Serial, issued));
        return issued;
    }

    private static readonly JsonSerializerOptions OmitNulls = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>notBefore and notAfter for a certificate of <paramref name="days"/> days, counted inclusively.</summary>
    public (DateTimeOffset NotBefore, DateTimeOffset NotAfter) Validity(int days, DateTimeOffset? issuerNotAfter)
    {
        var now = clock.GetUtcNow();
        var notBefore = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()) - options.Value.NotBeforeBackdate;
        var notAfter = notBefore.AddDays(days).AddSeconds(-1);
        if (issuerNotAfter is { } limit && notAfter > limit) notAfter = limit;
        return (notBefore, notAfter);
    }
}

/// <summary>Resolves <see cref="AuthorityOptions.PublicBaseUrl"/>, falling back to what the host listens on.</summary>
public sealed class PublicationUrlProvider(IOptions<AuthorityOptions> options)
{
    private string _fallback = "http://127.0.0.1:8080";

    public PublicationUrls Current => new(options.Value.PublicBaseUrl is { Length: > 0 } url ? url : _fallback);

    /// <summary>Called by the host once it knows its listening addresses.</summary>
    public void UseListeningAddress(string url) => _fallback = url;
}
