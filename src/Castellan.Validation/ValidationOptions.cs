namespace Castellan.Validation;

/// <summary>
/// <c>Castellan:Validation</c>. Ports and resolvers are configurable so tests run unprivileged on loopback against
/// real DNS and HTTP servers (clients listen on 5002/5001 there, not 80/443).
/// </summary>
public sealed class ValidationOptions
{
    /// <summary>DNS resolvers as host:port; empty means the system's resolver.</summary>
    public List<string> DnsResolvers { get; set; } = [];

    public int HttpChallengePort { get; set; } = 80;

    public int TlsAlpnChallengePort { get; set; } = 443;

    /// <summary>The issuer domains this CA recognises in CAA issue/issuewild properties (RFC 8659 §4.2).</summary>
    public List<string> CaaIdentities { get; set; } = [];

    /// <summary>How long one HTTP, TLS or DNS exchange may take before the attempt fails.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
