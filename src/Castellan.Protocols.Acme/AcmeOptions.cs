namespace Castellan.Protocols.Acme;

/// <summary>
/// <c>Castellan:Acme</c>. The root keys describe the default directory (/acme/directory); <see cref="Directories"/>
/// adds one directory per ACME-enabled product (/acme/{name}/directory).
/// </summary>
public sealed class AcmeOptions
{
    /// <summary>RFC 8555 §7.3.4: the default directory accepts accounts without external account binding unless this is set.</summary>
    public bool RequireExternalAccountBinding { get; set; }

    /// <summary>The product the default directory issues (its profile, CA and validity).</summary>
    public string ProductId { get; set; } = "prd_tls_server";

    /// <summary>ACME profiles (draft-aaron-acme-profiles) of the default directory; none configured gives "classic" and "shortlived".</summary>
    public Dictionary<string, AcmeProfileOptions> Profiles { get; set; } = [];

    public Dictionary<string, AcmeDirectoryOptions> Directories { get; set; } = [];

    /// <summary>The terms of service URL advertised in the directory meta; clients must agree when it is set.</summary>
    public string? TermsOfService { get; set; }

    public string? Website { get; set; }

    public TimeSpan OrderLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a pending authorization may be answered.</summary>
    public TimeSpan AuthorizationLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Validations run after the challenge POST; at most this many at once, the rest queue.</summary>
    public int MaxConcurrentValidations { get; set; } = 256;

    /// <summary>
    /// How long the challenge POST waits for a validation it started before answering (RFC 8555 §7.5.1 lets the server
    /// answer with the challenge's current state). A validation that finishes in time is answered valid or invalid,
    /// which saves the client a poll that Retry-After would otherwise delay by a whole second; a slower one is answered
    /// processing, as before. Zero answers at once.
    /// </summary>
    public TimeSpan ChallengeAnswerWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest JWS body accepted; an ACME message with a CSR of a large RSA key stays well under it.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Key that encrypts EAB HMAC keys (base64, 32 bytes). Absent: generated into DATA/acme-eab.secret (0600). Every node needs the same.</summary>
    public string? EabSecret { get; set; }

    /// <summary>How often expired orders and authorizations are written invalid/expired (reads answer so at once); zero turns the sweep off.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>RFC 8555 §6.5: how long a Replay-Nonce stays redeemable (on any node).</summary>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>HMAC key of nonces (base64, at least 32 bytes). Absent: a random key kept in the database, shared by every node.</summary>
    public string? NonceSecret { get; set; }

    public AcmeRateLimitOptions RateLimits { get; set; } = new();
}

public sealed class AcmeDirectoryOptions
{
    public string ProductId { get; set; } = "";
    public bool RequireExternalAccountBinding { get; set; }
    public Dictionary<string, AcmeProfileOptions> Profiles { get; set; } = [];
}

/// <summary>One ACME profile: what newOrder "profile" selects.</summary>
public sealed class AcmeProfileOptions
{
    public string Description { get; set; } = "";

    /// <summary>The product issued under this profile; the directory's when absent.</summary>
    public string? ProductId { get; set; }

    /// <summary>Certificate lifetime in days; the product's when absent.</summary>
    public int? ValidityDays { get; set; }

    /// <summary>Whether newOrder may ask for notBefore/notAfter (RFC 8555 §7.4); refused with malformed otherwise.</summary>
    public bool AllowValidityRequest { get; set; }
}

/// <summary>Issue 4 item 7. A limit of 0 turns that limit off. Counted per node, in memory (see AcmeRateLimiter).</summary>
public sealed class AcmeRateLimitOptions
{
    public RateLimit NewOrdersPerAccount { get; set; } = new() { Limit = 300, Window = TimeSpan.FromHours(3) };
    public RateLimit CertificatesPerRegisteredDomain { get; set; } = new() { Limit = 50, Window = TimeSpan.FromDays(7) };
    public RateLimit NewAccountsPerAddress { get; set; } = new() { Limit = 10, Window = TimeSpan.FromHours(3) };
}

public sealed class RateLimit
{
    public int Limit { get; set; }
    public TimeSpan Window { get; set; }
}
