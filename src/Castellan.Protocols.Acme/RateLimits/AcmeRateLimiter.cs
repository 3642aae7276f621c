using System.Collections.Concurrent;
using Castellan.Protocols.Acme.Problems;
using Castellan.Validation.Contracts;
using Microsoft.Extensions.Options;

namespace Castellan.Protocols.Acme.RateLimits;

/// <summary>
/// Issue 4 item 7: new orders per account, certificates per registered domain, new accounts per source address.
/// Fixed windows counted in memory on this node: cheap on the hot path, and with several nodes each node allows the
/// limit (so a cluster of N allows up to N times it; a shared counter in PostgreSQL would cost a write per order).
/// The registered domain comes from the Public Suffix List (<see cref="IRegisteredDomains"/>), both sections: a.example.co.uk
/// and b.example.co.uk share a limit; x.github.io and y.github.io do not.
/// </summary>
internal sealed class AcmeRateLimiter(IOptions<AcmeOptions> options, TimeProvider clock, IRegisteredDomains registered)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public CastellanError? NewOrder(string accountId) => Take("order:" + accountId, options.Value.RateLimits.NewOrdersPerAccount, "new orders for this account");

    public CastellanError? NewAccount(string? address) => Take("acct:" + (address ?? "?"), options.Value.RateLimits.NewAccountsPerAddress, $"new accounts from {address}");

    /// <summary>Checked at finalize for every registered domain the certificate names; counts only when all pass.</summary>
    public CastellanError? Certificate(IEnumerable<string> dnsNames)
    {
        var limit = options.Value.RateLimits.CertificatesPerRegisteredDomain;
        if (limit.Limit <= 0) return null;
        var domains = dnsNames.Select(registered.RegisteredDomain).Distinct(StringComparer.Ordinal).ToList();
        foreach (var d in domains)
        {
            if (Peek("cert:" + d, limit) is { } full) return new RateLimited($"too many certificates for {d} (limit {limit.Limit} per {limit.Window})", full);
        }
        foreach (var d in domains) Take("cert:" + d, limit, "certificates for " + d);
        return null;
    }

    private RateLimited? Take(string key, RateLimit limit, string what)
    {
        if (limit.Limit <= 0) return null;
        var now = clock.GetUtcNow();
        var w = _windows.GetOrAdd(key, _ => new Window(now));
        lock (w)
        {
            if (now - w.Start >= limit.Window) { w.Start = now; w.Count = 0; }
            if (w.Count >= limit.Limit) return new RateLimited($"too many {what} (limit {limit.Limit} per {limit.Window})", w.Start + limit.Window - now);
            w.Count++;
        }
        if (_windows.Count > 1_000_000) Prune(now);
        return null;
    }

    private TimeSpan? Peek(string key, RateLimit limit)
    {
        if (!_windows.TryGetValue(key, out var w)) return null;
        var now = clock.GetUtcNow();
        lock (w) return now - w.Start < limit.Window && w.Count >= limit.Limit ? w.Start + limit.Window - now : null;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, w) in _windows)
        {
            if (now - w.Start > TimeSpan.FromDays(7)) _windows.TryRemove(key, out _);
        }
    }

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start = start;
        public int Count;
    }
}
