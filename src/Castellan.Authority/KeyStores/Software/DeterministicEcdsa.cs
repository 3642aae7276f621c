using System.Formats.Asn1;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using static Castellan.Authority.LibCrypto;

namespace Castellan.Authority.KeyStores.Software;

/// <summary>
/// ECDSA with the deterministic k of RFC 6979 section 3.2, for software CA keys on P-256, P-384 and P-521. The same
/// data and hash always give the same signature, so a TBSCertificate recorded before signing can be signed again after
/// a crash into the very certificate a client already holds. OpenSSL 3.0 (this platform's libcrypto) only draws k at
/// random; its own RFC 6979 nonce arrived in 3.2. So k is derived here, and libcrypto does the curve arithmetic: r =
/// x(kG) mod n by <c>EC_POINT_mul</c>, k^-1 = k^(n-2) mod n by the constant-time Montgomery exponentiation, and s by
/// <c>ECDSA_do_sign_ex</c> with that (k^-1, r), the same code that signs with a random k.
/// <para>The private key lives in one native EC_KEY (freed, and cleared by OpenSSL, with the generator); a signature
/// copies the scalar to the stack for the HMAC_DRBG seed and clears it at once. Signing only reads the shared key, so
/// concurrent callers are safe; each call has its own BN_CTX.</para>
/// </summary>
internal sealed class DeterministicEcdsa : X509SignatureGenerator
{
    private const int BnFlgConstTime = 0x04;
    private const int MaxAttempts = 8;

    private readonly SafeEcKeyHandle _key;
    private readonly IntPtr _group;
    private readonly IntPtr _order;
    private readonly IntPtr _orderMontgomery;
    private readonly SafeBignumHandle _orderMinusTwo;
    private readonly byte[] _q;
    private readonly int _qlen;
    private readonly X509SignatureGenerator _public;

    private DeterministicEcdsa(SafeEcKeyHandle key, SafeBignumHandle orderMinusTwo, byte[] q, int qlen, ECDsa publicKey)
    {
        _key = key;
        _group = EC_KEY_get0_group(key.DangerousGetHandle());
        _order = EC_GROUP_get0_order(_group);
        // The group's own Montgomery context for n (read-only, owned by the group): building one per signature would
        // cost a third of the exponentiation.
        _orderMontgomery = EC_GROUP_get_mont_data(_group);
        _orderMinusTwo = orderMinusTwo;
        _q = q;
        _qlen = qlen;
        _public = CreateForECDsa(publicKey);
    }

    /// <summary>
    /// A deterministic generator for <paramref name="key"/>, or null when this platform cannot make one (not Linux,
    /// no libcrypto 3, an unsupported curve) or its self-check fails; the caller then uses .NET's randomised ECDSA
    /// and must not claim determinism.
    /// </summary>
    public static DeterministicEcdsa? TryCreate(ECDsa key)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var parameters = key.ExportParameters(includePrivateParameters: true);
        try
        {
            var nid = Nid(parameters.Curve);
            if (nid == 0 || parameters.D is null || parameters.Q.X is null || parameters.Q.Y is null) return null;
            var created = Load(nid, parameters);
            if (created is null) return null;
            if (created.SelfCheck(key)) return created;
            created._key.Dispose();
            created._orderMinusTwo.Dispose();
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        finally
        {
            if (parameters.D is not null) CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) => _public.GetSignatureAlgorithmIdentifier(hashAlgorithm);

    protected override PublicKey BuildPublicKey() => _public.PublicKey;

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm)
    {
        ArgumentNullException.ThrowIfNull(data);
        Span<byte> h1 = stackalloc byte[Rfc6979Nonce.HashLength(hashAlgorithm)];
        CryptographicOperations.HashData(hashAlgorithm, data, h1);
        return SignHash(h1, hashAlgorithm);
    }

    /// <summary>Signs the hash <paramref name="h1"/> = H(m) made with <paramref name="hash"/>; returns DER Ecdsa-Sig-Value.</summary>
    internal byte[] SignHash(ReadOnlySpan<byte> h1, HashAlgorithmName hash)
    {
        var rlen = _q.Length;
        Span<byte> x = stackalloc byte[rlen];
        Span<byte> k = stackalloc byte[rlen];
        Span<byte> state = stackalloc byte[Rfc6979Nonce.StateLength(_qlen)];
        var ctx = IntPtr.Zero;
        var point = IntPtr.Zero;
        var kBn = IntPtr.Zero;
        var kInverse = IntPtr.Zero;
        var signature = IntPtr.Zero;
        NativeHmac? hmac = null;
        var added = false;
        var failed = true;
        try
        {
            _key.DangerousAddRef(ref added);
            var key = _key.DangerousGetHandle();
            Check(BN_bn2binpad(EC_KEY_get0_private_key(key), ref MemoryMarshal.GetReference(x), rlen) == rlen, "BN_bn2binpad");
            hmac = new NativeHmac(hash);
            var nonce = new Rfc6979Nonce(hash, _q, _qlen, x, h1, state, hmac);
            CryptographicOperations.ZeroMemory(x);

            ctx = Check(BN_CTX_new(), "BN_CTX_new");
            BN_CTX_start(ctx);
            point = Check(EC_POINT_new(_group), "EC_POINT_new");
            kBn = Check(BN_new(), "BN_new");
            kInverse = Check(BN_new(), "BN_new");
            var pointX = Check(BN_CTX_get(ctx), "BN_CTX_get");
            var r = Check(BN_CTX_get(ctx), "BN_CTX_get");
            // Section 3.4 and step h.3: a k giving r = 0 or s = 0 is skipped for the next; each has probability ~2^-qlen,
            // so a repeated failure is libcrypto's, not bad luck.
            for (var attempt = 0; signature == IntPtr.Zero; attempt++)
            {
                if (attempt == MaxAttempts) throw new CryptographicException("deterministic ECDSA: libcrypto refused every k");
                nonce.Next(k);
                Check(BN_bin2bn(ref MemoryMarshal.GetReference(k), rlen, kBn), "BN_bin2bn");
                CryptographicOperations.ZeroMemory(k);
                BN_set_flags(kBn, BnFlgConstTime);
                Check(EC_POINT_mul(_group, point, kBn, IntPtr.Zero, IntPtr.Zero, ctx) == 1, "EC_POINT_mul");
                Check(EC_POINT_get_affine_coordinates(_group, point, pointX, IntPtr.Zero, ctx) == 1, "EC_POINT_get_affine_coordinates");
                Check(BN_nnmod(r, pointX, _order, ctx) == 1, "BN_nnmod");
                if (BN_is_zero(r) == 1) continue;
                // n is prime, so k^-1 = k^(n-2) mod n (Fermat); the consttime exponentiation keeps k's bits out of the timing.
                Check(BN_mod_exp_mont_consttime(kInverse, kBn, _orderMinusTwo.DangerousGetHandle(), _order, ctx, _orderMontgomery) == 1, "BN_mod_exp_mont_consttime");
                signature = ECDSA_do_sign_ex(ref MemoryMarshal.GetReference(h1), h1.Length, kInverse, r, key);
                if (signature == IntPtr.Zero) ERR_clear_error();
            }
            var der = Encode(ECDSA_SIG_get0_r(signature), ECDSA_SIG_get0_s(signature), rlen);
            failed = false;
            return der;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(x);
            CryptographicOperations.ZeroMemory(k);
            CryptographicOperations.ZeroMemory(state);
            hmac?.Dispose();
            if (signature != IntPtr.Zero) ECDSA_SIG_free(signature);
            if (kInverse != IntPtr.Zero) BN_clear_free(kInverse);
            if (kBn != IntPtr.Zero) BN_clear_free(kBn);
            if (point != IntPtr.Zero) EC_POINT_clear_free(point);
            if (ctx != IntPtr.Zero)
            {
                BN_CTX_end(ctx);
                BN_CTX_free(ctx);
            }
            // A failure leaves reasons on this thread's OpenSSL error queue; .NET's next call there must not read them.
            if (failed) ERR_clear_error();
            if (added) _key.DangerousRelease();
        }
    }

    /// <summary>Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 5480 section 2.2, RFC 3279 section 2.2.3).</summary>
    private static byte[] Encode(IntPtr r, IntPtr s, int rlen)
    {
        Span<byte> buffer = stackalloc byte[rlen];
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var value in (ReadOnlySpan<IntPtr>)[r, s])
            {
                Check(BN_bn2binpad(value, ref MemoryMarshal.GetReference(buffer), rlen) == rlen, "BN_bn2binpad");
                writer.WriteInteger(new BigInteger(buffer, isUnsigned: true, isBigEndian: true));
            }
        }
        return writer.Encode();
    }

    // A signature of a fixed message must verify under the key's own public half in .NET: the native key was loaded
    // from these very parameters, but nothing here may claim a key it did not prove.
    private bool SelfCheck(ECDsa key)
    {
        try
        {
            return SelfCheckCore(key);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private bool SelfCheckCore(ECDsa key)
    {
        var data = "castellan deterministic ECDSA self-check"u8.ToArray();
        var hash = (key.KeySize switch { 256 => HashAlgorithmName.SHA256, 384 => HashAlgorithmName.SHA384, _ => HashAlgorithmName.SHA512 });
        var first = SignData(data, hash);
        return first.AsSpan().SequenceEqual(SignData(data, hash))
            && key.VerifyData(data, first, hash, DSASignatureFormat.Rfc3279DerSequence);
    }

    // A named curve may carry only its friendly name (an ECCurve made from one), so that names the OID too.
    private static int Nid(ECCurve curve) => LibCrypto.Curve(curve.Oid?.Value ?? curve.Oid?.FriendlyName switch
    {
        "nistP256" or "ECDSA_P256" => "1.2.840.10045.3.1.7",
        "nistP384" or "ECDSA_P384" => "1.3.132.0.34",
        "nistP521" or "ECDSA_P521" => "1.3.132.0.35",
        _ => null,
    }).Nid;

    private static DeterministicEcdsa? Load(int nid, ECParameters parameters)
    {
        SafeEcKeyHandle? key = new(EC_KEY_new_by_curve_name(nid));
        var privateKey = IntPtr.Zero;
        SafeBignumHandle? orderMinusTwo = null;
        try
        {
            if (key.IsInvalid) return null;
            var k = key.DangerousGetHandle();
            byte[] point = [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];
            var d = parameters.D!;
            privateKey = BN_bin2bn(ref MemoryMarshal.GetArrayDataReference(d), d.Length, IntPtr.Zero);
            // EC_KEY_check_key proves the pair: Q = dG, and d in [1, n-1].
            if (privateKey == IntPtr.Zero
                || EC_KEY_oct2key(k, point, (nuint)point.Length, IntPtr.Zero) != 1
                || EC_KEY_set_private_key(k, privateKey) != 1
                || EC_KEY_check_key(k) != 1)
            {
                return null;
            }
            var order = EC_GROUP_get0_order(EC_KEY_get0_group(k));
            var qlen = BN_num_bits(order);
            var q = new byte[(qlen + 7) / 8];
            orderMinusTwo = new SafeBignumHandle(BN_dup(order));
            if (orderMinusTwo.IsInvalid
                || BN_sub_word(orderMinusTwo.DangerousGetHandle(), 2) != 1
                || BN_bn2binpad(order, ref MemoryMarshal.GetArrayDataReference(q), q.Length) != q.Length)
            {
                return null;
            }
            var publicKey = ECDsa.Create(new ECParameters { Curve = parameters.Curve, Q = parameters.Q });
            var created = new DeterministicEcdsa(key, orderMinusTwo, q, qlen, publicKey);
            key = null;
            orderMinusTwo = null;
            return created;
        }
        finally
        {
            if (privateKey != IntPtr.Zero) BN_clear_free(privateKey);
            key?.Dispose();
            orderMinusTwo?.Dispose();
            ERR_clear_error();
        }
    }

    private static IntPtr Check(IntPtr result, string function) =>
        result != IntPtr.Zero ? result : throw new CryptographicException($"deterministic ECDSA: {function} failed");

    private static void Check(bool ok, string function)
    {
        if (!ok) throw new CryptographicException($"deterministic ECDSA: {function} failed");
    }

    private sealed class SafeEcKeyHandle : SafeHandle
    {
        public SafeEcKeyHandle(IntPtr value)
            : base(IntPtr.Zero, ownsHandle: true) => SetHandle(value);

        public override bool IsInvalid => handle == IntPtr.Zero;

        // EC_KEY_free clears the private scalar before freeing it.
        protected override bool ReleaseHandle()
        {
            EC_KEY_free(handle);
            return true;
        }
    }

    private sealed class SafeBignumHandle : SafeHandle
    {
        public SafeBignumHandle(IntPtr value)
            : base(IntPtr.Zero, ownsHandle: true) => SetHandle(value);

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            BN_free(handle);
            return true;
        }
    }

    [DllImport(LibCrypto.Name)]
    private static extern int EC_KEY_set_private_key(IntPtr key, IntPtr privateKey);

    [DllImport(LibCrypto.Name)]
    private static extern int EC_KEY_check_key(IntPtr key);

    [DllImport(LibCrypto.Name)]
    private static extern IntPtr EC_KEY_get0_group(IntPtr key);

    [DllImport(LibCrypto.Name)]
    private static extern IntPtr EC_KEY_get0_private_key(IntPtr key);

    [DllImport(LibCrypto.Name)]
    private static extern IntPtr EC_GROUP_get0_order(IntPtr group);

    [DllImport(LibCrypto.Name)]
    private static extern IntPtr EC_GROUP_get_mont_data(IntPtr group);

    [DllImport(LibCrypto.Name)]
    private static extern IntPtr EC_POINT_new(IntPtr group);

    [DllImport(LibCrypto.Name)]
    private static extern void EC_POINT_clear_free(IntPtr point);

    [DllImport(LibCrypto.Name)]
    private static extern int EC_POINT_mul(IntPtr group, IntPtr result, IntPtr generatorScalar, IntPtr point, IntPtr pointScalar, IntPtr ctx);

    [DllImport(LibCrypto.Name)]
    private static extern int EC_POINT_get_affine_coordinates(IntPtr group, IntPtr point, IntPtr x, IntPtr y, IntPtr ctx);

    [DllImport(LibCrypto.Name)]
    private static extern IntPtr BN_new();

    [DllImport(LibCrypto.Name)]
    private static extern IntPtr BN_dup(IntPtr value);

    [DllImport(LibCrypto.Name)]
    private static extern void BN_free(IntPtr value);

    [DllImport(LibCrypto.Name)]
    private static extern void BN_clear_free(IntPtr value);

    [DllImport(LibCrypto.Name)]
    private static extern IntPtr BN_bin2bn(ref byte bytes, int length, IntPtr result);

    [DllImport(LibCrypto.Name)]
    private static extern int BN_bn2binpad(IntPtr value, ref byte bytes, int length);

    [DllImport(LibCrypto.Name)]
    private static extern int BN_num_bits(IntPtr value);

    [DllImport(LibCrypto.Name)]
    private static extern int BN_is_zero(IntPtr value);

    [DllImport(LibCrypto.Name)]
    private static extern void BN_set_flags(IntPtr value, int flags);

    [DllImport(LibCrypto.Name)]
    private static extern int BN_sub_word(IntPtr value, ulong word);

    [DllImport(LibCrypto.Name)]
    private static extern int BN_nnmod(IntPtr result, IntPtr value, IntPtr modulus, IntPtr ctx);

    [DllImport(LibCrypto.Name)]
    private static extern int BN_mod_exp_mont_consttime(IntPtr result, IntPtr value, IntPtr exponent, IntPtr modulus, IntPtr ctx, IntPtr montgomery);

    [DllImport(LibCrypto.Name)]
    private static extern IntPtr BN_CTX_new();

    [DllImport(LibCrypto.Name)]
    private static extern void BN_CTX_free(IntPtr ctx);

    [DllImport(LibCrypto.Name)]
    private static extern void BN_CTX_start(IntPtr ctx);

    [DllImport(LibCrypto.Name)]
    private static extern IntPtr BN_CTX_get(IntPtr ctx);

    [DllImport(LibCrypto.Name)]
    private static extern void BN_CTX_end(IntPtr ctx);

    [DllImport(LibCrypto.Name)]
    private static extern IntPtr ECDSA_do_sign_ex(ref byte digest, int digestLength, IntPtr kInverse, IntPtr r, IntPtr key);

    [DllImport(LibCrypto.Name)]
    private static extern IntPtr ECDSA_SIG_get0_r(IntPtr signature);

    [DllImport(LibCrypto.Name)]
    private static extern IntPtr ECDSA_SIG_get0_s(IntPtr signature);

    [DllImport(LibCrypto.Name)]
    private static extern void ECDSA_SIG_free(IntPtr signature);
}
