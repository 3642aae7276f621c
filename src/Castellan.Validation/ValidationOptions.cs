namespace Castellan.Validation;

/// <summary>
/// <c>Castellan:Validation</c>. Ports and resolvers are configurable so tests run unprivileged on loopback against
/// real DNS and HTTP servers (clients listen on 5002/5001 there, not 80/443).
/// </summary>
public sealed class ValidationOptions
{
    /// <summary>DNS resolvers of the primary perspective as host:port (port 53 when omitted); empty means the system's resolver.</summary>
    public List<string> DnsResolvers { get; set; } = [];

    public int HttpChallengePort { get; set; } = 80;

    public int TlsAlpnChallengePort { get; set; } = 443;

    /// <summary>The issuer domains this CA recognises in CAA issue/issuewild properties (RFC 8659 §4.2).</summary>
    public List<string> CaaIdentities { get; set; } = [];

    /// <summary>
    /// The longest a CAA answer is reused (each is kept for its own DNS TTL, or the negative TTL of its zone's SOA, and
    /// never longer than this). BR 3.2.2.8 allows reuse within the TTL or 8 hours, whichever is greater; zero turns the
    /// cache off, so every check asks the resolvers.
    /// </summary>
    public TimeSpan CaaCacheMaxAge { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How many names' CAA answers each perspective keeps at most (expired ones are dropped first).</summary>
    public int CaaCacheCapacity { get; set; } = 10_000;

    /// <summary>How long one HTTP, TLS or DNS exchange may take before the attempt fails.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// BR 3.2.2.9: remote network perspectives that corroborate the primary's DCV and CAA results, each with its own
    /// resolvers (and optionally its own source address). Public issuance needs at least two.
    /// </summary>
    public List<PerspectiveOptions> Perspectives { get; set; } = [];

    /// <summary>
    /// How many remote perspectives must agree with the primary. 0 takes the BR 3.2.2.9 table: all of one, all but one
    /// of two to five, all but two of six or more.
    /// </summary>
    public int Quorum { get; set; }

    /// <summary>BR 3.2.2.4.19: redirects are followed only to the HTTP (80) and HTTPS (443) challenge ports; at most this many.</summary>
    public int MaxRedirects { get; set; } = 10;

    /// <summary>How long an emailed random value works (BR allows 30 days; seed 003 says 24 hours).</summary>
    public TimeSpan EmailValueLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The Public Suffix List file for registered-domain rate limits (Debian package "publicsuffix"). When it is
    /// missing, the last two labels of a name are used and a warning is logged at start.
    /// </summary>
    public string PublicSuffixList { get; set; } = "/usr/share/publicsuffix/public_suffix_list.dat";

    /// <summary>
    /// BR 3.2.2.8 / ballot SC-085v2: CAA and DCV lookups are DNSSEC-validated. The configured resolvers must be
    /// validating resolvers; the VA asks for DNSSEC data (DO bit) and a DNSSEC failure reaches it as SERVFAIL, which
    /// refuses. When true, an answer without the resolver's Authenticated Data bit also refuses, so only names in
    /// signed zones can be validated or pass CAA: for deployments whose every zone is signed (an internal namespace).
    /// </summary>
    public bool RequireAuthenticatedData { get; set; }
}

/// <summary>One remote network perspective (BR 3.2.2.9).</summary>
public sealed class PerspectiveOptions
{
    public string Name { get; set; } = "";

    /// <summary>host:port; empty means the system's resolver (useful only when the perspective runs elsewhere).</summary>
    public List<string> DnsResolvers { get; set; } = [];

    /// <summary>Local address HTTP and TLS connections of this perspective leave from (a distinct network path).</summary>
    public string? SourceAddress { get; set; }
}
