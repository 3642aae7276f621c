using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Castellan.Portal.Session;

/// <summary>
/// Hands a sign-in verified inside the interactive page (where cookies cannot be set) to one plain HTTP request that
/// sets the cookie. A ticket is 256 random bits, works once, for one minute, and only from the address that earned
/// it, so a ticket sent to someone else (login CSRF) does not sign them in. Blazor Server already needs sticky
/// sessions behind a load balancer, so the follow-up request reaches this node.
/// </summary>
public sealed class PendingSignIns(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    public string Issue(string userId, string accountId, string? address, string method = PortalClaims.PasswordMethod)
    {
        Prune();
        var ticket = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _pending[ticket] = new Pending(userId, accountId, address, clock.GetUtcNow() + Lifetime, method);
        return ticket;
    }

    /// <summary>The user and account of a live ticket from the same address; the ticket is spent either way.</summary>
    public (string UserId, string AccountId, string Method)? Redeem(string? ticket, string? address)
    {
        if (string.IsNullOrEmpty(ticket) || !_pending.TryRemove(ticket, out var p)) return null;
        if (p.ExpiresAt <= clock.GetUtcNow() || p.Address != address) return null;
        return (p.UserId, p.AccountId, p.Method);
    }

    private void Prune()
    {
        var now = clock.GetUtcNow();
        foreach (var (key, p) in _pending)
        {
            if (p.ExpiresAt <= now) _pending.TryRemove(key, out _);
        }
    }

    private sealed record Pending(string UserId, string AccountId, string? Address, DateTimeOffset ExpiresAt, string Method);
}
