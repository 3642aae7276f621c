using System.Security.Cryptography;

namespace Castellan.Protocols.Acme.Nonces;

/// <summary>
/// RFC 8555 §6.5 anti-replay nonces, kept in memory: 128 random bits each, usable once. Two generations are kept;
/// every <see cref="Rotation"/> the older is dropped, so a nonce lives between one and two rotations and memory stays
/// bounded by the issue rate. A nonce is removed when redeemed, so a replay finds nothing (badNonce).
/// Several nodes: a client may send the nonce to another node than the one that issued it. Boulder's answer, which
/// fits here, is a node prefix in each nonce and a redeem call routed to the issuing node (or a load balancer that
/// routes ACME POSTs by that prefix); a shared table in PostgreSQL would work too but costs a round trip per request.
/// Until then several nodes need session affinity for /acme, and a client that hits another node gets badNonce and
/// retries with the fresh nonce that comes with the error, as RFC 8555 §6.5 requires clients to.
/// </summary>
internal sealed class NonceStore
{
    public static readonly TimeSpan Rotation = TimeSpan.FromMinutes(30);

    private readonly Lock _lock = new();
    private readonly TimeProvider _clock;
    private HashSet<string> _current = new(StringComparer.Ordinal);
    private HashSet<string> _previous = new(StringComparer.Ordinal);
    private DateTimeOffset _rotatedAt;

    public NonceStore(TimeProvider clock)
    {
        _clock = clock;
        _rotatedAt = clock.GetUtcNow();
    }

    public string Issue()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        var nonce = Jws.Base64Url.Encode(bytes);
        lock (_lock)
        {
            RotateIfDue();
            _current.Add(nonce);
        }
        return nonce;
    }

    /// <summary>True once for a nonce this node issued and nobody has redeemed yet.</summary>
    public bool Redeem(string? nonce)
    {
        if (string.IsNullOrEmpty(nonce) || nonce.Length > 64) return false;
        lock (_lock)
        {
            RotateIfDue();
            return _current.Remove(nonce) || _previous.Remove(nonce);
        }
    }

    private void RotateIfDue()
    {
        var now = _clock.GetUtcNow();
        if (now - _rotatedAt < Rotation) return;
        _previous = _current;
        _current = new HashSet<string>(StringComparer.Ordinal);
        _rotatedAt = now;
    }
}
