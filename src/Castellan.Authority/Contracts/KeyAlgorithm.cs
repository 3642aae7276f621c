using System.Security.Cryptography;

namespace Castellan.Authority.Contracts;

/// <summary>Key algorithms a CA or a server-generated subscriber key can have.</summary>
public enum KeyAlgorithm
{
    EcP256,
    EcP384,
    Rsa2048,
    Rsa3072,
    Rsa4096,
}

public static class KeyAlgorithms
{
    private static readonly Dictionary<string, KeyAlgorithm> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ec-p256"] = KeyAlgorithm.EcP256, ["p-256"] = KeyAlgorithm.EcP256, ["ecp256"] = KeyAlgorithm.EcP256,
        ["ec-p384"] = KeyAlgorithm.EcP384, ["p-384"] = KeyAlgorithm.EcP384, ["ecp384"] = KeyAlgorithm.EcP384,
        ["rsa-2048"] = KeyAlgorithm.Rsa2048, ["rsa2048"] = KeyAlgorithm.Rsa2048,
        ["rsa-3072"] = KeyAlgorithm.Rsa3072, ["rsa3072"] = KeyAlgorithm.Rsa3072,
        ["rsa-4096"] = KeyAlgorithm.Rsa4096, ["rsa4096"] = KeyAlgorithm.Rsa4096,
    };

    public static bool TryParse(string? text, out KeyAlgorithm algorithm)
    {
        algorithm = default;
        return text is not null && (ByName.TryGetValue(text.Trim(), out algorithm) || Enum.TryParse(text, true, out algorithm));
    }

    /// <summary>The stable external name: ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096.</summary>
    public static string Name(this KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcP256 => "ec-p256",
        KeyAlgorithm.EcP384 => "ec-p384",
        KeyAlgorithm.Rsa2048 => "rsa-2048",
        KeyAlgorithm.Rsa3072 => "rsa-3072",
        KeyAlgorithm.Rsa4096 => "rsa-4096",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>The algorithm of an existing public key (for keys opened from a certificate).</summary>
    public static KeyAlgorithm FromPublicKey(System.Security.Cryptography.X509Certificates.PublicKey key)
    {
        using var ec = key.GetECDsaPublicKey();
        if (ec is not null) return ec.KeySize == 384 ? KeyAlgorithm.EcP384 : KeyAlgorithm.EcP256;
        using var rsa = key.GetRSAPublicKey();
        return rsa?.KeySize switch { 3072 => KeyAlgorithm.Rsa3072, 4096 => KeyAlgorithm.Rsa4096, _ => KeyAlgorithm.Rsa2048 };
    }

    public static bool IsEc(this KeyAlgorithm algorithm) => algorithm is KeyAlgorithm.EcP256 or KeyAlgorithm.EcP384;

    public static int RsaBits(this KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.Rsa2048 => 2048,
        KeyAlgorithm.Rsa3072 => 3072,
        KeyAlgorithm.Rsa4096 => 4096,
        _ => 0,
    };

    public static ECCurve Curve(this KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcP256 => ECCurve.NamedCurves.nistP256,
        KeyAlgorithm.EcP384 => ECCurve.NamedCurves.nistP384,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>The digest paired with the key: SHA-384 for P-384 (RFC 5480 strength matching), SHA-256 otherwise.</summary>
    public static HashAlgorithmName SignatureHash(this KeyAlgorithm algorithm) =>
        algorithm == KeyAlgorithm.EcP384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;
}
