using System.Net;

namespace Castellan.Server.Api.Network;

/// <summary>Bound from <c>Castellan:Network</c>.</summary>
public sealed class NetworkOptions
{
    /// <summary>Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For header is believed. Empty: none is.</summary>
    public List<string> TrustedProxies { get; set; } = [];
}

/// <summary>
/// The caller's address for the audit log. X-Forwarded-For is anyone's to write, so it is read only when the
/// connection comes from a configured trusted proxy, and then from the right: each trusted hop is skipped, and the
/// first address not in the trusted set is the client (what the nearest untrusted party claimed to be).
/// </summary>
public sealed class ClientAddress
{
    private readonly IReadOnlyList<IPNetwork> _trusted;

    public ClientAddress(NetworkOptions options)
    {
        _trusted = options.TrustedProxies.Select(Parse).ToList();
    }

    public string? Of(HttpContext http) =>
        Resolve(http.Connection.RemoteIpAddress, http.Request.Headers["X-Forwarded-For"].ToString())?.ToString();

    public IPAddress? Resolve(IPAddress? remote, string? forwardedFor)
    {
        if (remote is null) return null;
        var current = Normalise(remote);
        if (!IsTrusted(current) || string.IsNullOrWhiteSpace(forwardedFor)) return current;
        var hops = forwardedFor.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = hops.Length - 1; i >= 0; i--)
        {
            // A hop that is not an address means the header was mangled; the last address we could vouch for stands.
            if (!IPAddress.TryParse(hops[i], out var hop)) return current;
            current = Normalise(hop);
            if (!IsTrusted(current)) return current;
        }
        return current;
    }

    private bool IsTrusted(IPAddress address) => _trusted.Any(n => n.Contains(address));

    private static IPAddress Normalise(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    private static IPNetwork Parse(string entry)
    {
        var text = entry.Trim();
        if (IPNetwork.TryParse(text, out var network)) return network;
        if (IPAddress.TryParse(text, out var single)) return new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        throw new InvalidOperationException($"Castellan:Network:TrustedProxies: '{entry}' is not an address or CIDR range");
    }
}

internal static class OriginExtensions
{
    public static Castellan.Registration.Contracts.RequestOrigin Origin(this HttpContext http, string actor) =>
        new(actor, http.RequestServices.GetRequiredService<ClientAddress>().Of(http));

    public static Castellan.Registration.Contracts.RequestOrigin Origin(this HttpContext http) => http.Origin(http.Caller().Actor);
}
