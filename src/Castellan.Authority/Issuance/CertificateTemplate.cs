using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;

namespace Castellan.Authority.Issuance;

/// <summary>Everything decided about a certificate before its TBS is built: the profile and the request, merged.</summary>
public sealed record CertificateTemplate
{
    public required SerialNumber Serial { get; init; }
    public required X500DistinguishedName Subject { get; init; }
    public required PublicKey PublicKey { get; init; }
    public required IReadOnlyList<SubjectAltName> Sans { get; init; }
    public required DateTimeOffset NotBefore { get; init; }
    public required DateTimeOffset NotAfter { get; init; }
    public required CertificateProfile Profile { get; init; }

    /// <summary>For CA certificates: basicConstraints pathLenConstraint (null = unlimited).</summary>
    public int? PathLength { get; init; }

    public IReadOnlyList<string> PermittedDnsNames { get; init; } = [];
    public IReadOnlyList<string> ExcludedDnsNames { get; init; } = [];
}

/// <summary>The signing side of issuance: which CA, its certificate (null while creating a self-signed root) and key.</summary>
public sealed record IssuerContext(CertificateAuthorityRecord Ca, X500DistinguishedName Name, byte[] SubjectKeyIdentifier, CaSigningKey Key)
{
    public X509Certificate2? Certificate { get; init; }
}

/// <summary>Where relying parties fetch CRLs, OCSP and the issuer's certificate (RFC 5280 4.2.1.13, 4.2.2.1).</summary>
public sealed record PublicationUrls(string BaseUrl)
{
    public string Crl(string caId) => $"{BaseUrl.TrimEnd('/')}/crl/{caId}.crl";
    public string Ocsp => $"{BaseUrl.TrimEnd('/')}/ocsp";
    public string CaIssuers(string caId) => $"{BaseUrl.TrimEnd('/')}/ca/{caId}.cer";
}
