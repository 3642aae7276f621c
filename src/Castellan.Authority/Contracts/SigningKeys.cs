using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Castellan.Authority.Contracts;

/// <summary>
/// Where a CA key lives: the key store's name ("software", "pkcs11") and a handle that only that store understands.
/// The handle never contains key material.
/// </summary>
public sealed record KeyReference(string Store, string Handle);

/// <summary>
/// A CA key in custody. Signing happens inside the store (in the HSM for PKCS#11); the private key is never handed out.
/// </summary>
/// <param name="algorithm">The key's algorithm; it fixes the signature hash.</param>
/// <param name="generator">Makes the signatures; its public key and algorithm identifiers are the key's.</param>
/// <param name="signsDeterministically">See <see cref="SignsDeterministically"/>; a key store says true only when it knows.</param>
public sealed class CaSigningKey(KeyAlgorithm algorithm, X509SignatureGenerator generator, bool signsDeterministically)
{
    private readonly Lazy<byte[]> _algorithmIdentifier = new(() => generator.GetSignatureAlgorithmIdentifier(algorithm.SignatureHash()));

    public KeyAlgorithm Algorithm { get; } = algorithm;

    public X509SignatureGenerator Generator { get; } = generator;

    public HashAlgorithmName Hash => Algorithm.SignatureHash();

    public PublicKey PublicKey => Generator.PublicKey;

    /// <summary>
    /// True when the same to-be-signed bytes always give the same signature: RSASSA-PKCS1-v1_5 (software or HSM) and
    /// software ECDSA with the RFC 6979 nonce. Then a TBSCertificate recorded before signing can be signed again, after a
    /// crash, into the byte-identical certificate a client may already hold. False for ECDSA whose k is random (an
    /// HSM's CKM_ECDSA, or .NET's ECDSA where the RFC 6979 signer is unavailable): signing again gives another valid
    /// signature, hence another certificate with the same serial number.
    /// </summary>
    public bool SignsDeterministically { get; } = signsDeterministically;

    /// <summary>DER AlgorithmIdentifier of the signatures this key makes.</summary>
    public ReadOnlyMemory<byte> SignatureAlgorithmIdentifier => _algorithmIdentifier.Value;

    /// <summary>Signs the DER bytes (a TBSCertificate, TBSCertList or ResponseData); returns the X.509 signature value.</summary>
    public byte[] Sign(byte[] toBeSigned) => Generator.SignData(toBeSigned, Hash);
}

/// <summary>
/// Key custody. Two backends: software (encrypted PKCS#8 files) and PKCS#11 (an HSM), chosen by
/// <c>Castellan:KeyStore:Backend</c>. Every CA key is created and used through this interface only.
/// </summary>
public interface ISigningKeyStore
{
    /// <summary>"software" or "pkcs11"; stored in <see cref="KeyReference.Store"/>.</summary>
    string Name { get; }

    /// <summary>Creates a new key pair in custody. <paramref name="label"/> is a readable name, not a secret.</summary>
    Task<KeyReference> GenerateAsync(KeyAlgorithm algorithm, string label, CancellationToken ct);

    /// <summary>Opens a key for signing. Implementations cache opened keys; callers must not dispose them.</summary>
    CaSigningKey Open(KeyReference reference, KeyAlgorithm algorithm);
}
