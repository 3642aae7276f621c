using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Castellan.Protocols.Acme.Jws;

/// <summary>
/// A public JSON Web Key (RFC 7517) as ACME accounts use them: EC P-256/P-384, RSA (2048 to 8192 bits), or OKP
/// Ed25519 (RFC 8037). Private members ("d", "p", ...) are refused: a client that sends its private key has a bug we
/// must not reward. <see cref="Thumbprint"/> is the RFC 7638 SHA-256 thumbprint, base64url.
/// </summary>
internal sealed class Jwk
{
    private readonly ECParameters? _ec;
    private readonly RSAParameters? _rsa;
    private readonly byte[]? _okp;

    // The imported key, made once per Jwk instead of per signature check: importing an EC point runs OpenSSL's full
    // public-key check, which costs as much as the verification itself. Accounts keep their Jwk in AccountCache, so
    // every request of an order reuses it. Calls are serialised: .NET does not document its key objects as thread-safe.
    private readonly Lock _keyLock = new();
    private AsymmetricAlgorithm? _key;

    private Jwk(string kty, string? crv, string canonical, ECParameters? ec, RSAParameters? rsa, byte[]? okp, AsymmetricAlgorithm? key = null)
    {
        _key = key;
        Kty = kty;
        Crv = crv;
        Canonical = canonical;
        Thumbprint = Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        _ec = ec;
        _rsa = rsa;
        _okp = okp;
    }

    public string Kty { get; }
    public string? Crv { get; }

    /// <summary>The RFC 7638 §3.2 member set in lexicographic order without whitespace; also how the key is stored.</summary>
    public string Canonical { get; }

    public string Thumbprint { get; }

    public static Jwk? Parse(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) return null;
        if (e.TryGetProperty("d", out _) || e.TryGetProperty("p", out _) || e.TryGetProperty("k", out _)) return null;
        var kty = Str(e, "kty");
        switch (kty)
        {
            case "EC":
            {
                var crv = Str(e, "crv");
                var size = crv switch { "P-256" => 32, "P-384" => 48, _ => 0 };
                if (size == 0 || !B64(e, "x", out var x) || !B64(e, "y", out var y) || x.Length != size || y.Length != size) return null;
                var p = new ECParameters
                {
                    Curve = size == 32 ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384,
                    Q = new ECPoint { X = x, Y = y },
                };
                ECDsa key;
                try
                {
                    // Importing checks that the point is on the curve (an invalid point would be an invalid-curve
                    // attack); Validate() checks the parameters. The imported key is kept for Verify.
                    key = ECDsa.Create(p);
                    try { key.ExportParameters(false).Validate(); }
                    catch { key.Dispose(); throw; }
                }
                catch (CryptographicException)
                {
                    return null;
                }
                return new Jwk("EC", crv, $"{{\"crv\":\"{crv}\",\"kty\":\"EC\",\"x\":\"{Base64Url.Encode(x)}\",\"y\":\"{Base64Url.Encode(y)}\"}}", p, null, null, key);
            }
            case "RSA":
            {
                if (!B64(e, "n", out var n) || !B64(e, "e", out var exp) || n.Length == 0 || exp.Length == 0 || n[0] == 0 || exp[0] == 0) return null;
                var bits = n.Length * 8;
                if (bits < 2048 || bits > 8192 || exp.Length > 4) return null;
                var p = new RSAParameters { Modulus = n, Exponent = exp };
                return new Jwk("RSA", null, $"{{\"e\":\"{Base64Url.Encode(exp)}\",\"kty\":\"RSA\",\"n\":\"{Base64Url.Encode(n)}\"}}", null, p, null);
            }
            case "OKP":
            {
                if (Str(e, "crv") != "Ed25519" || !B64(e, "x", out var x) || x.Length != 32) return null;
                return new Jwk("OKP", "Ed25519", $"{{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"{Base64Url.Encode(x)}\"}}", null, null, x);
            }
            default:
                return null;
        }
    }

    /// <summary>Parses a stored canonical form.</summary>
    public static Jwk? Parse(string canonical)
    {
        using var doc = JsonDocument.Parse(canonical);
        return Parse(doc.RootElement);
    }

    /// <summary>Whether this key may sign with <paramref name="alg"/> (RFC 7518 §3.1, RFC 8037 §3.1).</summary>
    public bool Fits(string alg) => alg switch
    {
        "ES256" => Kty == "EC" && Crv == "P-256",
        "ES384" => Kty == "EC" && Crv == "P-384",
        "RS256" => Kty == "RSA",
        "EdDSA" => Kty == "OKP",
        _ => false,
    };

    public bool Verify(string alg, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        if (!Fits(alg)) return false;
        try
        {
            switch (alg)
            {
                case "ES256":
                case "ES384":
                {
                    // RFC 7518 §3.4: R || S, each exactly the curve size; not DER.
                    if (signature.Length != (alg == "ES256" ? 64 : 96)) return false;
                    lock (_keyLock)
                    {
                        var ec = (ECDsa)(_key ??= ECDsa.Create(_ec!.Value));
                        return ec.VerifyData(signingInput, signature, alg == "ES256" ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                    }
                }
                case "RS256":
                {
                    lock (_keyLock)
                    {
                        var rsa = (RSA)(_key ??= RSA.Create(_rsa!.Value));
                        return rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                    }
                }
                case "EdDSA":
                {
                    if (signature.Length != 64) return false;
                    var verifier = new Ed25519Signer();
                    verifier.Init(false, new Ed25519PublicKeyParameters(_okp!, 0));
                    var input = signingInput.ToArray();
                    verifier.BlockUpdate(input, 0, input.Length);
                    return verifier.VerifySignature(signature.ToArray());
                }
                default:
                    return false;
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The DER SubjectPublicKeyInfo, to compare with a certificate's key (revokeCert signed by the certificate key).</summary>
    public byte[] SubjectPublicKeyInfo()
    {
        if (_ec is { } ec) { using var k = ECDsa.Create(ec); return k.ExportSubjectPublicKeyInfo(); }
        if (_rsa is { } rsa) { using var k = RSA.Create(rsa); return k.ExportSubjectPublicKeyInfo(); }
        // RFC 8410: SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING key }
        return [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, .. _okp!];
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool B64(JsonElement e, string name, out byte[] bytes)
    {
        bytes = [];
        return Str(e, name) is { } s && Base64Url.TryDecode(s, out bytes);
    }
}
