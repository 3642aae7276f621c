using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Castellan.Authority.Contracts;

namespace Castellan.Server.Api.Certificates;

/// <summary>Body of POST /api/v1/certificates: a CSR, or a key algorithm for server-side key generation.</summary>
public sealed record IssueCertificateBody
{
    public string? Profile { get; init; }
    public string? Csr { get; init; }
    public string? Subject { get; init; }
    public List<string>? Sans { get; init; }
    public int? ValidityDays { get; init; }
    public string? Issuer { get; init; }

    /// <summary>ec-p256, ec-p384, rsa-2048, rsa-3072 or rsa-4096: the CA generates the key (profiles that allow it).</summary>
    public string? KeyAlgorithm { get; init; }

    /// <summary>Password for the returned PKCS#12; generated and returned once when absent.</summary>
    public string? Pkcs12Password { get; init; }
}

public sealed record RevokeBody
{
    /// <summary>RFC 5280 reason name (keyCompromise, superseded, certificateHold …) or code; unspecified when absent.</summary>
    public string? Reason { get; init; }
}

public sealed record CertificateView
{
    public required string SerialNumber { get; init; }
    public required string Status { get; init; }
    public required string Issuer { get; init; }
    public required string Profile { get; init; }
    public required string Subject { get; init; }
    public required IReadOnlyList<string> Sans { get; init; }
    public required DateTimeOffset NotBefore { get; init; }
    public required DateTimeOffset NotAfter { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevocationReason { get; init; }
    public string? KeyAlgorithm { get; init; }
    public string? CertificatePem { get; init; }

    public static CertificateView From(IssuedCertificate c) => new()
    {
        SerialNumber = c.Serial.Hex,
        Status = c.Status.ToString().ToLowerInvariant(),
        Issuer = c.CaId,
        Profile = c.ProfileId,
        Subject = c.SubjectDn,
        Sans = c.Sans,
        NotBefore = c.NotBefore,
        NotAfter = c.NotAfter,
        RevokedAt = c.RevokedAt,
        RevocationReason = c.RevocationReason is { } r ? char.ToLowerInvariant(r.ToString()[0]) + r.ToString()[1..] : null,
        KeyAlgorithm = c.KeyAlgorithm,
        CertificatePem = c.Der is null ? null : Pem.Certificate(c.Der),
    };
}

public sealed record IssuedView
{
    public required string SerialNumber { get; init; }
    public required string CertificatePem { get; init; }
    public required string ChainPem { get; init; }
    public required CertificateView Certificate { get; init; }
    public string? Pkcs12 { get; init; }
    public string? Pkcs12Password { get; init; }
}

public sealed record CertificatePage(IReadOnlyList<CertificateView> Items, int Total, int Page, int PageSize);

internal static class Pem
{
    public static string Certificate(byte[] der) => PemEncoding.WriteString("CERTIFICATE", der) + "\n";

    public static string Chain(IEnumerable<X509Certificate2> chain)
    {
        var sb = new StringBuilder();
        foreach (var c in chain) sb.Append(Certificate(c.RawData));
        return sb.ToString();
    }
}
