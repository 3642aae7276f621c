using System.Security.Cryptography;

namespace Castellan.Authority.KeyStores.Software;

/// <summary>
/// The deterministic per-message secret k of RFC 6979 section 3.2: HMAC_DRBG (with the signature's own hash) seeded
/// with the private key and the message hash. The state K, V and every intermediate value live in the caller's
/// (stack) buffer, which the caller zeroes after use; nothing here allocates.
/// </summary>
internal ref struct Rfc6979Nonce
{
    private readonly HashAlgorithmName _hash;
    private readonly ReadOnlySpan<byte> _q;
    private readonly int _qlen;
    private readonly Span<byte> _key;
    private readonly Span<byte> _value;
    private readonly Span<byte> _scratch;
    private readonly NativeHmac? _native;
    private bool _started;
    private bool _keyChanged = true;

    /// <summary>Bytes of state a caller provides for a group order of <paramref name="qlen"/> bits and SHA-512 at most.</summary>
    public static int StateLength(int qlen)
    {
        var rlen = (qlen + 7) / 8;
        // K and V, then the larger of the step d/f input (V || 0x0N || int2octets(x) || bits2octets(h1)) and the
        // step h.2 output T (whole HMAC blocks until at least qlen bits), plus one HMAC output for the next V or K.
        return 2 * MaxHashLength + Math.Max(MaxHashLength + 1 + 2 * rlen, rlen + MaxHashLength) + MaxHashLength;
    }

    private const int MaxHashLength = 64;

    /// <param name="hash">H, the hash of the signature (SHA-256, SHA-384 or SHA-512).</param>
    /// <param name="q">The group order, big-endian, rlen = ceil(qlen/8) bytes.</param>
    /// <param name="qlen">The bit length of q.</param>
    /// <param name="x">int2octets(x): the private key, big-endian, rlen bytes.</param>
    /// <param name="h1">H(m), the message hash.</param>
    /// <param name="state">At least <see cref="StateLength"/> bytes; holds secrets, so the caller zeroes it afterwards.</param>
    /// <param name="native">libcrypto's HMAC for <paramref name="hash"/>, faster than .NET's one-shot; null for .NET's.</param>
    public Rfc6979Nonce(HashAlgorithmName hash, ReadOnlySpan<byte> q, int qlen, ReadOnlySpan<byte> x, ReadOnlySpan<byte> h1, Span<byte> state, NativeHmac? native = null)
    {
        var hlen = HashLength(hash);
        var rlen = (qlen + 7) / 8;
        if (q.Length != rlen || x.Length != rlen || h1.Length != hlen || state.Length < StateLength(qlen))
            throw new ArgumentException("RFC 6979 inputs do not match the group order and hash");
        _hash = hash;
        _q = q;
        _qlen = qlen;
        _key = state[..hlen];
        _value = state[hlen..(2 * hlen)];
        _scratch = state[(2 * hlen)..];
        _native = native;

        // Steps b and c.
        _value.Fill(0x01);
        _key.Clear();
        // Steps d to g: K = HMAC_K(V || 0x00 || int2octets(x) || bits2octets(h1)); V = HMAC_K(V); then again with 0x01.
        var input = _scratch[..(hlen + 1 + 2 * rlen)];
        x.CopyTo(input[(hlen + 1)..]);
        Bits2Octets(h1, q, qlen, input.Slice(hlen + 1 + rlen, rlen));
        for (byte separator = 0x00; separator <= 0x01; separator++)
        {
            _value.CopyTo(input);
            input[hlen] = separator;
            Hmac(input, _key);
            Hmac(_value, _value);
        }
        input.Clear();
    }

    /// <summary>
    /// Writes the next candidate k (rlen bytes, 1 &lt;= k &lt; q) to <paramref name="k"/>. The first call gives the k of
    /// the RFC; a caller whose k gave r = 0 or s = 0 calls again, which continues as step h.3 says.
    /// </summary>
    public void Next(Span<byte> k)
    {
        var hlen = _value.Length;
        if (_started) Reseed();
        _started = true;
        while (true)
        {
            // Steps h.1 and h.2: T = V1 || V2 || ... until tlen >= qlen.
            var tlen = 0;
            while (tlen * 8 < _qlen)
            {
                Hmac(_value, _value);
                _value.CopyTo(_scratch[tlen..]);
                tlen += hlen;
            }
            // Step h.3: k = bits2int(T); accept when 1 <= k <= q-1.
            Bits2Int(_scratch[..tlen], _qlen, k);
            _scratch[..tlen].Clear();
            if (!IsZero(k) && LessThan(k, _q)) return;
            Reseed();
        }
    }

    // Step h.3, otherwise branch: K = HMAC_K(V || 0x00); V = HMAC_K(V).
    private void Reseed()
    {
        var hlen = _value.Length;
        var input = _scratch[..(hlen + 1)];
        _value.CopyTo(input);
        input[hlen] = 0x00;
        Hmac(input, _key);
        Hmac(_value, _value);
        input.Clear();
    }

    // HMAC_K(data) into destination, through a temporary so that destination may be K or V itself.
    private void Hmac(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var output = _scratch[^MaxHashLength..][..destination.Length];
        if (_native is null)
        {
            CryptographicOperations.HmacData(_hash, _key, data, output);
        }
        else
        {
            // The native context keeps the keyed state; it is rekeyed only after K changed.
            if (_keyChanged) _native.SetKey(_key);
            _keyChanged = false;
            _native.Compute(data, output);
        }
        output.CopyTo(destination);
        output.Clear();
        if (destination.Overlaps(_key)) _keyChanged = true;
    }

    public static int HashLength(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA256 ? 32
        : hash == HashAlgorithmName.SHA384 ? 48
        : hash == HashAlgorithmName.SHA512 ? 64
        : throw new ArgumentOutOfRangeException(nameof(hash), hash.Name, "deterministic ECDSA signs with SHA-256, SHA-384 or SHA-512");

    /// <summary>
    /// Section 2.3.2 bits2int: the leftmost qlen bits of b as an integer (b shifted right when longer; padded on the
    /// left when shorter), written as rlen big-endian bytes.
    /// </summary>
    internal static void Bits2Int(ReadOnlySpan<byte> b, int qlen, Span<byte> output)
    {
        var rlen = (qlen + 7) / 8;
        if (b.Length * 8 <= qlen)
        {
            output[..(rlen - b.Length)].Clear();
            b.CopyTo(output[(rlen - b.Length)..]);
            return;
        }
        // b is longer than qlen bits, hence at least rlen bytes: its first rlen bytes hold the leftmost qlen bits
        // followed by 8*rlen - qlen bits to drop.
        var shift = 8 * rlen - qlen;
        var carry = 0;
        for (var i = 0; i < rlen; i++)
        {
            var current = b[i];
            output[i] = (byte)((current >> shift) | carry);
            carry = shift == 0 ? 0 : (current << (8 - shift)) & 0xFF;
        }
    }

    /// <summary>Section 2.3.4 bits2octets: bits2int(b) reduced mod q (one subtraction suffices, as it is below 2^qlen &lt; 2q).</summary>
    internal static void Bits2Octets(ReadOnlySpan<byte> b, ReadOnlySpan<byte> q, int qlen, Span<byte> output)
    {
        Bits2Int(b, qlen, output);
        if (!LessThan(output, q)) Subtract(output, q);
    }

    // Big-endian equal-length comparisons and subtraction without data-dependent branches or early exits: the
    // candidate k is secret, and whether it is below q is all that may show.
    private static bool LessThan(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var borrow = 0;
        for (var i = a.Length - 1; i >= 0; i--) borrow = ((a[i] - b[i] - borrow) >> 8) & 1;
        return borrow == 1;
    }

    private static void Subtract(Span<byte> a, ReadOnlySpan<byte> b)
    {
        var borrow = 0;
        for (var i = a.Length - 1; i >= 0; i--)
        {
            var d = a[i] - b[i] - borrow;
            a[i] = (byte)d;
            borrow = (d >> 8) & 1;
        }
    }

    private static bool IsZero(ReadOnlySpan<byte> a)
    {
        var any = 0;
        foreach (var v in a) any |= v;
        return any == 0;
    }
}
