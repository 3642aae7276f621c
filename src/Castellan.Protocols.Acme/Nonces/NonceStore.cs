using System.Buffers.Binary;
using System.Security.Cryptography;
using Castellan.Protocols.Acme.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Castellan.Protocols.Acme.Nonces;

/// <summary>
/// RFC 8555 §6.5 anti-replay nonces that any node sharing the database accepts, each exactly once.
/// A nonce is <c>version | issued-at (ms) | 96 random bits | HMAC-SHA256(key, the preceding bytes)[..16]</c>, so
/// any node holding the key can tell one of ours from a forged or altered one and how old it is, without a write at
/// issue time (every ACME response carries a nonce; a write per response would halve the bench). Single use is the
/// database's: redeeming inserts the nonce into acme_used_nonces, whose primary key makes a second insert (a replay,
/// on this node or any other) fail. The insert goes through the group-commit writer, so concurrent requests share one
/// commit. An in-memory fast path was left out on purpose: a node cannot know from memory that another node has
/// already redeemed its nonce, and a nonce accepted twice is the one thing this class must never do.
/// The key is <see cref="AcmeOptions.NonceSecret"/>, else a random key the first node stores in the database and every
/// other node reads (it only lets one mint nonces, which still need a signature by an account key to be of use).
/// Used nonces are kept until their lifetime (plus a margin for clock skew between nodes) ends; a sweep deletes them.
/// </summary>
internal sealed class NonceStore(IAcmeStore store, IOptions<AcmeOptions> options, TimeProvider clock, ILogger<NonceStore> log)
{
    private const byte Version = 1;
    private const int RandomBytes = 12;
    private const int MacBytes = 16;
    private const int SignedBytes = 1 + 8 + RandomBytes;
    private const int Length = SignedBytes + MacBytes;
    private const string SecretName = "acme-nonce-hmac";

    /// <summary>How far another node's clock may be ahead or behind ours; a used nonce is kept this much longer.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(5);

    private readonly Lock _lock = new();
    private Task<byte[]>? _key;
    private long _nextSweep;

    public async ValueTask<string> IssueAsync(CancellationToken ct)
    {
        var key = await KeyAsync(ct);
        Span<byte> nonce = stackalloc byte[Length];
        nonce[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(nonce[1..], clock.GetUtcNow().ToUnixTimeMilliseconds());
        RandomNumberGenerator.Fill(nonce.Slice(9, RandomBytes));
        Mac(key, nonce[..SignedBytes], nonce[SignedBytes..]);
        return Jws.Base64Url.Encode(nonce);
    }

    /// <summary>True once, on whichever node, for a nonce one of our nodes issued within the nonce lifetime.</summary>
    public async Task<bool> RedeemAsync(string? nonce, CancellationToken ct)
    {
        var issuedAt = await VerifyAsync(nonce, ct);
        if (issuedAt is null) return false;
        SweepIfDue();
        return await store.UseNonceAsync(nonce!, issuedAt.Value + options.Value.NonceLifetime + ClockSkew, ct);
    }

    /// <summary>The issue time of an authentic, unexpired nonce; null for anything else (no database access).</summary>
    public async ValueTask<DateTimeOffset?> VerifyAsync(string? nonce, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(nonce) || nonce.Length > 64) return null;
        if (!Jws.Base64Url.TryDecode(nonce, out var bytes) || bytes.Length != Length || bytes[0] != Version) return null;
        // Re-encoding must give the same text, so one nonce has one spelling and one row in acme_used_nonces.
        if (Jws.Base64Url.Encode(bytes) != nonce) return null;
        var key = await KeyAsync(ct);
        Span<byte> mac = stackalloc byte[MacBytes];
        Mac(key, bytes.AsSpan(0, SignedBytes), mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, bytes.AsSpan(SignedBytes))) return null;
        var issuedAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1, 8)));
        var now = clock.GetUtcNow();
        if (issuedAt > now + ClockSkew || now - issuedAt > options.Value.NonceLifetime) return null;
        return issuedAt;
    }

    private static void Mac(byte[] key, ReadOnlySpan<byte> signed, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(key, signed, full);
        full[..MacBytes].CopyTo(mac);
    }

    private Task<byte[]> KeyAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            // A failed load (the database was briefly unreachable) is retried by the next request.
            if (_key is null || _key.IsFaulted || _key.IsCanceled) _key = LoadKeyAsync();
            return _key.WaitAsync(ct);
        }
    }

    private async Task<byte[]> LoadKeyAsync()
    {
        if (options.Value.NonceSecret is { Length: > 0 } configured)
        {
            var bytes = Convert.FromBase64String(configured);
            if (bytes.Length < 32) throw new InvalidOperationException("Castellan:Acme:NonceSecret must be at least 32 bytes, base64");
            return bytes;
        }
        // Not the caller's token: the key is shared by every later request, and one aborted request must not fail it.
        return await store.GetOrAddSecretAsync(SecretName, RandomNumberGenerator.GetBytes(32), CancellationToken.None);
    }

    private void SweepIfDue()
    {
        var now = clock.GetUtcNow();
        var next = Interlocked.Read(ref _nextSweep);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref _nextSweep, (now + SweepInterval).UtcTicks, next) != next) return;
        _ = Task.Run(async () =>
        {
            try
            {
                var deleted = await store.DeleteUsedNoncesAsync(clock.GetUtcNow(), CancellationToken.None);
                log.LogDebug("Deleted {Count} expired used nonces", deleted);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The next sweep retries; an undeleted row only takes space, it accepts nothing.
                log.LogWarning(e, "Sweeping expired used nonces failed");
            }
        });
    }
}
