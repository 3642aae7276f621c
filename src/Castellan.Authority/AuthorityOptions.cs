namespace Castellan.Authority;

/// <summary>Options of the CA role, bound from <c>Castellan:Authority</c>.</summary>
public sealed class AuthorityOptions
{
    /// <summary>Base URL written into CRL distribution points and AIA; defaults to the first URL the server listens on.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Key algorithm and lifetime of the root created on first start.</summary>
    public string RootKeyAlgorithm { get; set; } = "ec-p384";
    public int RootValidityYears { get; set; } = 10;
    public string RootSubject { get; set; } = "CN=Castellan Root CA,O=Castellan";

    /// <summary>Key algorithm and lifetime of the issuing CA created on first start.</summary>
    public string IssuingKeyAlgorithm { get; set; } = "ec-p256";
    public int IssuingValidityYears { get; set; } = 5;
    public string IssuingSubject { get; set; } = "CN=Castellan Issuing CA 1,O=Castellan";

    /// <summary>BR 4.9.7 / SC-063: CRLs are reissued at least every 7 days; we default to a 24-hour nextUpdate and refresh hourly.</summary>
    public TimeSpan CrlValidity { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan CrlRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>RFC 5019 2.2.4: pre-signed responses valid for this long; refreshed at half-life.</summary>
    public TimeSpan OcspResponseValidity { get; set; } = TimeSpan.FromDays(4);

    /// <summary>Whether a new certificate's OCSP response is signed as soon as it is issued. Off by default: it is
    /// signed on its first request (and cached, so later requests get the same bytes) or by the next cache refresh,
    /// whichever comes first, which keeps a second ECDSA signature and its response building off the issuance path.
    /// Revocations and releases are always re-signed at once.</summary>
    public bool OcspPresignAtIssuance { get; set; }

    public int OcspResponderValidityDays { get; set; } = 30;

    /// <summary>Small backdating of notBefore tolerates relying parties whose clocks run slightly behind.</summary>
    public TimeSpan NotBeforeBackdate { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A reservation older than this at start-up was interrupted by a crash and is marked abandoned.</summary>
    public TimeSpan StaleReservationAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a node reads the cross-node change feed; bounds how long another node's revocation can go
    /// unseen by this node's OCSP cache.</summary>
    public TimeSpan ChangeFeedPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Change-feed entries older than this are deleted.</summary>
    public TimeSpan ChangeFeedRetention { get; set; } = TimeSpan.FromDays(1);
}
