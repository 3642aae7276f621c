using System.Security.Cryptography.X509Certificates;

namespace Castellan.Authority.Contracts;

public enum SanType
{
    Dns,
    Ip,
    Email,
    Uri,
}

/// <summary>
/// Which trust rules a profile answers to. Public-style profiles are linted against the CA/Browser Forum
/// requirements (TLS BR or S/MIME BR) as if the CA were publicly trusted; private ones against RFC 5280 only.
/// </summary>
public enum TrustStyle
{
    Private,
    PublicTls,
    PublicSmime,
}

/// <summary>
/// A certificate profile: data, not code. It fixes what the certificate may contain; the request only chooses
/// within it. Built-in profiles are in <see cref="Castellan.Authority.Profiles.BuiltInProfiles"/>; operators add their own.
/// </summary>
public sealed record CertificateProfile
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public TrustStyle Trust { get; init; } = TrustStyle.Private;

    // Keys the subscriber may present.
    public IReadOnlyList<string> AllowedCurves { get; init; } = ["P-256", "P-384"];
    public bool AllowRsa { get; init; } = true;
    public int MinRsaBits { get; init; } = 2048;

    /// <summary>Ed25519 subscriber keys (RFC 8410); browsers do not accept them for TLS, so public-style TLS profiles leave this off.</summary>
    public bool AllowEd25519 { get; init; }

    // Validity, in days.
    public required int MaxValidityDays { get; init; }
    public int? DefaultValidityDays { get; init; }

    public required X509KeyUsageFlags KeyUsage { get; init; }
    public IReadOnlyList<string> ExtendedKeyUsages { get; init; } = [];

    public IReadOnlyList<SanType> AllowedSanTypes { get; init; } = [];
    public bool RequireSan { get; init; }
    public bool AllowWildcards { get; init; }
    public int MaxSans { get; init; } = 100;

    /// <summary>Subject attributes the request may set (short names: CN, O, OU, L, ST, C, E, SERIALNUMBER).</summary>
    public IReadOnlyList<string> AllowedSubjectAttributes { get; init; } = ["CN"];

    public IReadOnlyList<string> PolicyOids { get; init; } = [];

    public bool IncludeCrlDistributionPoint { get; init; } = true;
    public bool IncludeOcspUrl { get; init; } = true;
    public bool IncludeCaIssuersUrl { get; init; } = true;

    public bool IsCa { get; init; }
    public int? PathLength { get; init; }

    /// <summary>Adds id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1): for delegated OCSP responders only.</summary>
    public bool OcspNoCheck { get; init; }

    /// <summary>Whether the CA may generate the subscriber's key and return it once as PKCS#12.</summary>
    public bool AllowServerKeyGeneration { get; init; }

    public bool BuiltIn { get; init; }

    public int EffectiveDefaultValidityDays => Math.Min(DefaultValidityDays ?? MaxValidityDays, MaxValidityDays);
}

/// <summary>Operator-defined profiles, implemented by Castellan.Storage.</summary>
public interface IProfileStore
{
    Task<IReadOnlyList<CertificateProfile>> ListCustomAsync(CancellationToken ct);

    Task<CertificateProfile?> GetCustomAsync(string id, CancellationToken ct);

    Task<bool> AddCustomAsync(CertificateProfile profile, CancellationToken ct);
}
