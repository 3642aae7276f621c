using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Contracts;

namespace Castellan.Registration.Access;

/// <summary>The caller's address is outside the networks its account or login allows.</summary>
public sealed record AddressNotAllowed(string Detail) : CastellanError(Detail);

/// <summary>
/// IP restrictions (issue 3 item 6): allowed CIDR ranges for all users of an account and per login. A request must
/// come from inside every list that is set (the account's and the user's); an empty list restricts nothing. The
/// address is the one the host resolved (X-Forwarded-For only from trusted proxies). Checked on every API request,
/// so policies are cached per node for at most <see cref="CacheLifetime"/> and dropped at once on a local change.
/// </summary>
public sealed class NetworkRestrictions(IAccessRestrictionStore store, IAuditLog audit, TimeProvider clock)
{
    public const int MaxRanges = 100;
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (IReadOnlyList<IPNetwork> Networks, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    /// <summary>Normalised CIDR strings, or a field error naming the first bad entry.</summary>
    public static Result<IReadOnlyList<string>> Parse(IReadOnlyList<string>? ranges, string field)
    {
        if (ranges is null) return Array.Empty<string>();
        if (ranges.Count > MaxRanges) return new MalformedInput($"'{field}' may have at most {MaxRanges} ranges");
        var result = new List<string>();
        for (var i = 0; i < ranges.Count; i++)
        {
            var text = ranges[i]?.Trim() ?? "";
            IPNetwork network;
            if (text.Contains('/', StringComparison.Ordinal))
            {
                // A range written with host bits set (203.0.113.1/24) is most likely a typo for a single address: refuse it.
                if (!IPNetwork.TryParse(text, out network) || !IPAddress.TryParse(text[..text.IndexOf('/', StringComparison.Ordinal)], out var written)
                    || !Normalise(written).Equals(network.BaseAddress))
                    return new MalformedInput($"'{field}[{i}]': '{Shorten(text)}' is not a CIDR range (address/prefix with the host bits zero, e.g. 203.0.113.0/24)");
            }
            else if (IPAddress.TryParse(text, out var single))
            {
                network = new IPNetwork(Normalise(single), Normalise(single).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            }
            else
            {
                return new MalformedInput($"'{field}[{i}]': '{Shorten(text)}' is not an IP address or CIDR range");
            }
            result.Add(network.ToString());
        }
        return result.Distinct().ToList();
    }

    public static bool Contains(IReadOnlyList<IPNetwork> networks, IPAddress? address) =>
        networks.Count == 0 || (address is not null && networks.Any(n => n.Contains(Normalise(address))));

    /// <summary>For the portal and the API: may a request from <paramref name="address"/> act as this login in this account?</summary>
    public async Task<bool> IsAllowedAsync(string? userId, string accountId, IPAddress? address, CancellationToken ct)
    {
        if (!Contains(await NetworksAsync("account:" + accountId, async () => (await store.GetAccountAsync(accountId, ct))?.AllowedNetworks ?? []), address)) return false;
        return userId is null || Contains(await NetworksAsync("user:" + userId, () => store.GetUserNetworksAsync(userId, ct)), address);
    }

    /// <summary>Checks the caller's address; a refusal is audited (who, from where) and returned as <see cref="AddressNotAllowed"/>.</summary>
    public async Task<CastellanError?> CheckAsync(Caller caller, IPAddress? address, string what, CancellationToken ct)
    {
        if (await IsAllowedAsync(caller.UserId, caller.AccountId, address, ct)) return null;
        await audit.AppendAsync(new AuditEvent(caller.Actor, "access.address-refused", caller.UserId is { } u ? $"user:{u}" : $"apikey:{caller.KeyId}",
            JsonSerializer.Serialize(new { account = caller.AccountId, request = what.Length > 200 ? what[..200] : what }), address?.ToString()), ct);
        return new AddressNotAllowed($"requests from {address?.ToString() ?? "an unknown address"} are not allowed for this login");
    }

    /// <summary>Drops cached policies after a change on this node (other nodes see it within <see cref="CacheLifetime"/>).</summary>
    public void Changed() => _cache.Clear();

    private async Task<IReadOnlyList<IPNetwork>> NetworksAsync(string key, Func<Task<IReadOnlyList<string>>> load)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(key, out var hit) && hit.Expires > now) return hit.Networks;
        var networks = (await load()).Select(s => IPNetwork.Parse(s)).ToList();
        if (_cache.Count > 10_000) _cache.Clear();
        _cache[key] = (networks, now + CacheLifetime);
        return networks;
    }

    private static IPAddress Normalise(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    private static string Shorten(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
