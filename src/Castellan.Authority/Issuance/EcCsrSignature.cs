using System.Formats.Asn1;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using static Castellan.Authority.LibCrypto;

namespace Castellan.Authority.Issuance;

/// <summary>
/// Proof of possession (RFC 2986 section 3) for ECDSA requests on P-256, P-384 and P-521, checked with libcrypto directly.
/// .NET imports a subscriber's EC key through <c>EC_KEY_set_public_key_affine_coordinates</c>, which runs OpenSSL's
/// full public-key check: "on the curve" and also a scalar multiplication by the group order (SP 800-56A rev. 3
/// 5.6.2.3.3 step 4), as costly as the signature verification itself. These curves have cofactor 1, so every point
/// on the curve other than infinity has that order and the multiplication proves nothing more (partial validation,
/// 5.6.2.3.4, is complete here). This path decodes the point with <c>EC_KEY_oct2key</c>, which refuses points off
/// the curve, refuses infinity by its length, and verifies with <c>ECDSA_verify</c> (strict DER signature).
/// <para>It only ever says "verified". Anything it does not handle (other keys, curves or algorithms, compressed
/// points, parameters where none belong, trailing bytes, a platform without libcrypto 3) and any signature that
/// fails goes to .NET's own check, which then gives the answer and the error text it always gave.</para>
/// </summary>
internal static class EcCsrSignature
{
    private const string EcPublicKey = "1.2.840.10045.2.1";

    private static bool _available = OperatingSystem.IsLinux();

    /// <summary>True when <paramref name="der"/> is one PKCS#10 request whose ECDSA signature verifies under its own key.</summary>
    public static bool Verified(byte[] der)
    {
        if (!_available) return false;
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER);
            var request = outer.ReadSequence();
            if (outer.HasData) return false;
            var info = request.ReadEncodedValue();
            var algorithm = request.ReadSequence();
            var signatureOid = algorithm.ReadObjectIdentifier();
            if (algorithm.HasData) return false; // RFC 5758 3.2: ecdsa-with-SHA2 has no parameters
            var signature = request.ReadBitString(out var unusedBits);
            if (unusedBits != 0 || request.HasData) return false;

            var body = new AsnReader(info, AsnEncodingRules.DER).ReadSequence();
            body.ReadEncodedValue(); // version
            body.ReadEncodedValue(); // subject
            var spki = body.ReadSequence();
            var keyAlgorithm = spki.ReadSequence();
            if (keyAlgorithm.ReadObjectIdentifier() != EcPublicKey) return false;
            var curveOid = keyAlgorithm.ReadObjectIdentifier();
            if (keyAlgorithm.HasData) return false;
            var point = spki.ReadBitString(out var pointUnusedBits);
            if (pointUnusedBits != 0 || spki.HasData) return false;

            byte[]? digest = signatureOid switch
            {
                "1.2.840.10045.4.3.2" => SHA256.HashData(info.Span),
                "1.2.840.10045.4.3.3" => SHA384.HashData(info.Span),
                "1.2.840.10045.4.3.4" => SHA512.HashData(info.Span),
                _ => null,
            };
            return digest is not null && Verify(curveOid, point, digest, signature);
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    /// <summary>Whether libcrypto accepts <paramref name="point"/> as an uncompressed, finite point on the named curve.</summary>
    internal static bool IsOnCurve(string curveOid, byte[] point) => WithKey(curveOid, point, _ => true);

    private static bool Verify(string curveOid, byte[] point, byte[] digest, byte[] signature) =>
        WithKey(curveOid, point, key => ECDSA_verify(0, digest, digest.Length, signature, signature.Length, key) == 1);

    private static bool WithKey(string curveOid, byte[] point, Func<IntPtr, bool> use)
    {
        // Only the uncompressed length: a single 0x00 (infinity) or a compressed point never gets here.
        var (nid, length) = LibCrypto.Curve(curveOid);
        if (nid == 0 || point.Length != length || point[0] != 0x04 || !_available) return false;
        var key = IntPtr.Zero;
        try
        {
            key = EC_KEY_new_by_curve_name(nid);
            var ok = key != IntPtr.Zero && EC_KEY_oct2key(key, point, (nuint)point.Length, IntPtr.Zero) == 1 && use(key);
            // A refusal leaves reasons on this thread's OpenSSL error queue; .NET's next call there must not read them.
            if (!ok) ERR_clear_error();
            return ok;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _available = false;
            return false;
        }
        finally
        {
            if (key != IntPtr.Zero) EC_KEY_free(key);
        }
    }

    [DllImport(LibCrypto.Name)]
    private static extern int ECDSA_verify(int type, byte[] digest, int digestLength, byte[] signature, int signatureLength, IntPtr key);
}
