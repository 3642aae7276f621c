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
public sealed class CaSigningKey(KeyAlgorithm algorithm, X509SignatureGenerator generator)
{
    private readonly Lazy<byte[]> _algorithmIdentifier = new(() => generator.GetSignatureAlgorithmIdentifier(algorithm.SignatureHash()));

    public KeyAlgorithm Algorithm { get; } = algorithm;

    public X509SignatureGenerator Generator { get; } = generator;

    public HashAlgorithmName Hash => Algorithm.SignatureHash();

    public PublicKey PublicKey => Generator.PublicKey;

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
