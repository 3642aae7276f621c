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

            // 3. Record serial and TBS hash durably; the database refuses a serial it has seen.
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
                KeyAlgorithm = CsrReader.Inspect(template.PublicKey) is { IsError: false } k ? k.Value.ToString() : null,
            };
            if (!await certificates.ReserveAsync(record, ct))
            {
                template = template with { Serial = SerialNumber.NewRandom() };
                continue;
            }

            // 4. Sign inside key custody and assemble the certificate.
            byte[] der;
            try
            {
                var signature = issuer.Key.Sign(tbs);
                der = ExtensionEncoder.AssembleSigned(tbs, issuer.Key.SignatureAlgorithmIdentifier.Span, signature);
            }
            catch
            {
                await certificates.AbandonAsync(template.Serial, CancellationToken.None);
                throw;
            }

            // 5. Store the signed certificate and audit it; only now may it reach the caller.
            var issued = record with { Status = CertificateStatus.Valid, Der = der };
            var entry = new AuditEvent(requestedBy, "certificate.issued", $"certificate:{issued.Serial}",
                JsonSerializer.Serialize(new { serial = issued.Serial.Hex, ca = issuer.Ca.Id, profile = template.Profile.Id, subject = issued.SubjectDn, sans = issued.Sans, notAfter = issued.NotAfter }));
            if (certificates is IAuditedCompletion together)
            {
                await together.CompleteAsync(template.Serial, der, entry, CancellationToken.None);
            }
            else
            {
                await certificates.CompleteAsync(template.Serial, der, CancellationToken.None);
                await audit.AppendAsync(entry, CancellationToken.None);
            }
            events.Publish(new CertificateStatusChanged(issued.CaId, issued.Serial, issued));
            return issued;
        }
        throw new InvalidOperationException($"no unused serial after {SerialAttempts} random draws; the CSPRNG or the store is broken");
    }

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
