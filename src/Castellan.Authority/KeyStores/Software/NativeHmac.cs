using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Castellan.Authority.KeyStores.Software;

/// <summary>
/// HMAC in libcrypto through one HMAC_CTX per signature, for the RFC 6979 generator on the issuance hot path. .NET's
/// one-shot HMAC builds a MAC context per call (about 2 us here); HMAC_CTX keeps the keyed inner and outer states, so
/// a second HMAC under the same K only hashes (about 0.3 us), and the digest is fetched once per process.
/// HMAC_CTX is deprecated in OpenSSL 3.0 but exported, like the EC_KEY functions the signer uses.
/// </summary>
internal sealed class NativeHmac : IDisposable
{
    // Explicitly fetched digests are immutable and shared; fetching once spares every HMAC_Init_ex an implicit fetch.
    private static readonly Lazy<IntPtr> Sha256 = new(() => Fetch("SHA256"));
    private static readonly Lazy<IntPtr> Sha384 = new(() => Fetch("SHA384"));
    private static readonly Lazy<IntPtr> Sha512 = new(() => Fetch("SHA512"));

    private readonly IntPtr _digest;
    private IntPtr _context;
    private bool _keyed;

    public NativeHmac(HashAlgorithmName hash)
    {
        _digest = (hash == HashAlgorithmName.SHA256 ? Sha256 : hash == HashAlgorithmName.SHA384 ? Sha384 : hash == HashAlgorithmName.SHA512 ? Sha512
            : throw new ArgumentOutOfRangeException(nameof(hash), hash.Name, "HMAC with SHA-256, SHA-384 or SHA-512")).Value;
        _context = HMAC_CTX_new();
        if (_context == IntPtr.Zero) throw new CryptographicException("HMAC_CTX_new failed");
    }

    /// <summary>Takes a new key; the next <see cref="Compute"/> calls use it until the next <see cref="SetKey"/>.</summary>
    public void SetKey(ReadOnlySpan<byte> key)
    {
        if (HMAC_Init_ex(_context, ref MemoryMarshal.GetReference(key), key.Length, _digest, IntPtr.Zero) != 1) throw new CryptographicException("HMAC_Init_ex failed");
        _keyed = true;
    }

    /// <summary>HMAC of <paramref name="data"/> under the current key into <paramref name="destination"/> (the hash's length).</summary>
    public void Compute(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (!_keyed) throw new InvalidOperationException("HMAC key not set");
        // A null key with the same digest restarts from the keyed state (OpenSSL HMAC_Init_ex).
        if (HMAC_Init_ex(_context, IntPtr.Zero, 0, IntPtr.Zero, IntPtr.Zero) != 1
            || HMAC_Update(_context, ref MemoryMarshal.GetReference(data), (nuint)data.Length) != 1
            || HMAC_Final(_context, ref MemoryMarshal.GetReference(destination), out var length) != 1
            || length != destination.Length)
        {
            throw new CryptographicException("HMAC failed");
        }
        // Not a loop: the state restarts from the key each time, so it is keyed for the next call too.
    }

    // HMAC_CTX_free cleanses the keyed states before freeing them.
    public void Dispose()
    {
        if (_context == IntPtr.Zero) return;
        HMAC_CTX_free(_context);
        _context = IntPtr.Zero;
    }

    private static IntPtr Fetch(string name)
    {
        var digest = EVP_MD_fetch(IntPtr.Zero, name, IntPtr.Zero);
        return digest != IntPtr.Zero ? digest : throw new CryptographicException($"EVP_MD_fetch({name}) failed");
    }

    [DllImport(LibCrypto.Name, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern IntPtr EVP_MD_fetch(IntPtr libraryContext, string algorithm, IntPtr properties);

    [DllImport(LibCrypto.Name)]
    private static extern IntPtr HMAC_CTX_new();

    [DllImport(LibCrypto.Name)]
    private static extern void HMAC_CTX_free(IntPtr context);

    [DllImport(LibCrypto.Name)]
    private static extern int HMAC_Init_ex(IntPtr context, ref byte key, int keyLength, IntPtr digest, IntPtr engine);

    [DllImport(LibCrypto.Name)]
    private static extern int HMAC_Init_ex(IntPtr context, IntPtr key, int keyLength, IntPtr digest, IntPtr engine);

    [DllImport(LibCrypto.Name)]
    private static extern int HMAC_Update(IntPtr context, ref byte data, nuint length);

    [DllImport(LibCrypto.Name)]
    private static extern int HMAC_Final(IntPtr context, ref byte digest, out uint length);
}
