using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Castellan.Authority.KeyStores.Pkcs11;

/// <summary>A private key object in the token, found by its CKA_ID; its handle is looked up once and then reused.</summary>
internal sealed class Pkcs11PrivateKey(Pkcs11Token token, byte[] id, IObjectHandle handle)
{
    private IObjectHandle _handle = handle;

    /// <summary>Signs <paramref name="input"/> with <paramref name="mechanism"/> on a pooled session.</summary>
    public byte[] Sign(CKM mechanism, byte[] input) => token.Run(session =>
    {
        var m = session.Factories.MechanismFactory.Create(mechanism);
        try
        {
            return session.Sign(m, _handle, input);
        }
        catch (Pkcs11Exception e) when (e.RV is CKR.CKR_KEY_HANDLE_INVALID or CKR.CKR_OBJECT_HANDLE_INVALID)
        {
            // Object handles live as long as the module is initialised; after a re-initialisation find the key again.
            _handle = Pkcs11KeyStore.FindObject(session, CKO.CKO_PRIVATE_KEY, id)
                ?? throw new InvalidOperationException($"PKCS#11 key {Convert.ToHexStringLower(id)} is no longer in token '{token.Label}'");
            return session.Sign(m, _handle, input);
        }
    });
}

/// <summary>
/// ECDSA in the token: the digest is computed here and CKM_ECDSA signs it (PKCS#11 3.0 §2.3.6), so the token never
/// sees the (possibly large) CRL or certificate. Algorithm identifiers and the public key come from .NET's own generator.
/// </summary>
internal sealed class Pkcs11EcdsaSignatureGenerator(Pkcs11PrivateKey key, ECDsa publicKey) : X509SignatureGenerator
{
    private readonly X509SignatureGenerator _public = CreateForECDsa(publicKey);
    private readonly int _fieldBytes = (publicKey.KeySize + 7) / 8;

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) => _public.GetSignatureAlgorithmIdentifier(hashAlgorithm);

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm)
    {
        var digest = Digest.Compute(data, hashAlgorithm);
        var raw = key.Sign(CKM.CKM_ECDSA, digest);
        if (raw.Length != 2 * _fieldBytes) throw new CryptographicException($"the token returned a {raw.Length}-byte ECDSA signature; expected {2 * _fieldBytes}");
        return ToDer(raw);
    }

    protected override PublicKey BuildPublicKey() => _public.PublicKey;

    /// <summary>
    /// CKM_ECDSA returns r‖s, each as wide as the field; X.509 wants Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }
    /// (RFC 5480 §2.2, RFC 3279 §2.2.3).
    /// </summary>
    internal static byte[] ToDer(ReadOnlySpan<byte> raw)
    {
        var half = raw.Length / 2;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(new BigInteger(raw[..half], isUnsigned: true, isBigEndian: true));
            writer.WriteInteger(new BigInteger(raw[half..], isUnsigned: true, isBigEndian: true));
        }
        return writer.Encode();
    }
}

/// <summary>
/// RSASSA-PKCS1-v1_5 in the token: the digest is computed here, wrapped in a DigestInfo, and CKM_RSA_PKCS pads and
/// signs it (PKCS#11 3.0 §2.1.6; RFC 8017 §9.2). Large CRLs are hashed here rather than streamed to the token.
/// </summary>
internal sealed class Pkcs11RsaSignatureGenerator(Pkcs11PrivateKey key, RSA publicKey) : X509SignatureGenerator
{
    private readonly X509SignatureGenerator _public = CreateForRSA(publicKey, RSASignaturePadding.Pkcs1);

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) => _public.GetSignatureAlgorithmIdentifier(hashAlgorithm);

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) =>
        key.Sign(CKM.CKM_RSA_PKCS, Digest.DigestInfo(hashAlgorithm, Digest.Compute(data, hashAlgorithm)));

    protected override PublicKey BuildPublicKey() => _public.PublicKey;
}

internal static class Digest
{
    // RFC 8017 §9.2 note 1: the DER prefix of DigestInfo for each hash, followed by the digest itself.
    private static readonly byte[] Sha256Prefix = Convert.FromHexString("3031300d060960864801650304020105000420");
    private static readonly byte[] Sha384Prefix = Convert.FromHexString("3041300d060960864801650304020205000430");
    private static readonly byte[] Sha512Prefix = Convert.FromHexString("3051300d060960864801650304020305000440");

    public static byte[] Compute(byte[] data, HashAlgorithmName hash)
    {
        if (hash == HashAlgorithmName.SHA256) return SHA256.HashData(data);
        if (hash == HashAlgorithmName.SHA384) return SHA384.HashData(data);
        if (hash == HashAlgorithmName.SHA512) return SHA512.HashData(data);
        throw new ArgumentOutOfRangeException(nameof(hash), hash.Name, "CA signatures use SHA-256, SHA-384 or SHA-512");
    }

    public static byte[] DigestInfo(HashAlgorithmName hash, byte[] digest)
    {
        var prefix = hash == HashAlgorithmName.SHA256 ? Sha256Prefix : hash == HashAlgorithmName.SHA384 ? Sha384Prefix : Sha512Prefix;
        return [.. prefix, .. digest];
    }
}
