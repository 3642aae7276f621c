using System.Security.Cryptography.X509Certificates;

namespace Castellan.Authority.Contracts;

/// <summary>
/// A request to issue under a profile. The CSR proves possession of the key; the subject and SANs come from
/// <see cref="Subject"/>/<see cref="Sans"/> when given, otherwise from the CSR, and the profile decides what survives.
/// </summary>
public sealed record IssuanceRequest
{
    public required string ProfileId { get; init; }
    public string? Csr { get; init; }
    public string? Subject { get; init; }
    public IReadOnlyList<string>? Sans { get; init; }
    public int? ValidityDays { get; init; }

    /// <summary>Issuing CA id; the default issuer when absent.</summary>
    public string? IssuerId { get; init; }

    public required string RequestedBy { get; init; }
}

/// <summary>A request for a certificate whose key the CA generates and hands back once inside a PKCS#12.</summary>
public sealed record KeyGenerationRequest
{
    public required IssuanceRequest Issuance { get; init; }
    public KeyAlgorithm KeyAlgorithm { get; init; } = KeyAlgorithm.EcP256;

    /// <summary>The PKCS#12 password; generated when absent and returned once.</summary>
    public string? Password { get; init; }
}

public sealed record IssuanceResult(IssuedCertificate Certificate, byte[] Der, IReadOnlyList<X509Certificate2> Chain);

public sealed record KeyGenerationResult(IssuanceResult Issued, byte[] Pkcs12, string Password);
