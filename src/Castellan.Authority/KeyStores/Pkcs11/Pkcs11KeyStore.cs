using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Security.Cryptography;
using Castellan.Authority.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Castellan.Authority.KeyStores.Pkcs11;

/// <summary>
/// CA keys in an HSM through PKCS#11. Key pairs are generated inside the token as token objects; the private half is
/// CKA_SENSITIVE and not CKA_EXTRACTABLE, so it never leaves the token, and every signature is made there. The
/// <see cref="KeyReference.Handle"/> is the hex CKA_ID shared by the private and public key objects.
/// The module is loaded on first use, so an unconfigured store costs nothing.
/// </summary>
public sealed class Pkcs11KeyStore(IOptions<Pkcs11KeyStoreOptions> options, ILogger<Pkcs11KeyStore> log) : ISigningKeyStore, IDisposable
{
    public const string StoreName = "pkcs11";

    /// <summary>Length of the random CKA_ID; 16 bytes make a collision with another key on a shared token negligible.</summary>
    private const int IdBytes = 16;

    // RFC 5480 §2.1.1.1: the namedCurve OIDs, DER-encoded as CKA_EC_PARAMS wants them.
    private static readonly byte[] P256Params = Convert.FromHexString("06082a8648ce3d030107");
    private static readonly byte[] P384Params = Convert.FromHexString("06052b81040022");
    private static readonly byte[] Rsa65537 = [0x01, 0x00, 0x01];

    private readonly ConcurrentDictionary<string, CaSigningKey> _open = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();
    private Pkcs11Token? _token;
    private bool _disposed;

    public string Name => StoreName;

    public Task<KeyReference> GenerateAsync(KeyAlgorithm algorithm, string label, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var token = Token();
        var id = RandomNumberGenerator.GetBytes(IdBytes);
        var objectLabel = "castellan-" + label;
        token.Run(session =>
        {
            var f = session.Factories.ObjectAttributeFactory;
            List<IObjectAttribute> publicTemplate =
            [
                f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_PRIVATE, false), f.Create(CKA.CKA_VERIFY, true),
                f.Create(CKA.CKA_ENCRYPT, false), f.Create(CKA.CKA_WRAP, false),
                f.Create(CKA.CKA_LABEL, objectLabel), f.Create(CKA.CKA_ID, id),
            ];
            List<IObjectAttribute> privateTemplate =
            [
                f.Create(CKA.CKA_TOKEN, true), f.Create(CKA.CKA_PRIVATE, true),
                // The custody guarantee: the token refuses to reveal or export the private key (PKCS#11 3.0 §4.9).
                f.Create(CKA.CKA_SENSITIVE, true), f.Create(CKA.CKA_EXTRACTABLE, false),
                f.Create(CKA.CKA_SIGN, true), f.Create(CKA.CKA_DECRYPT, false), f.Create(CKA.CKA_UNWRAP, false), f.Create(CKA.CKA_DERIVE, false),
                f.Create(CKA.CKA_LABEL, objectLabel), f.Create(CKA.CKA_ID, id),
            ];
            CKM mechanism;
            if (algorithm.IsEc())
            {
                mechanism = CKM.CKM_EC_KEY_PAIR_GEN;
                publicTemplate.Add(f.Create(CKA.CKA_EC_PARAMS, CurveParams(algorithm)));
            }
            else
            {
                mechanism = CKM.CKM_RSA_PKCS_KEY_PAIR_GEN;
                publicTemplate.Add(f.Create(CKA.CKA_MODULUS_BITS, (ulong)algorithm.RsaBits()));
                publicTemplate.Add(f.Create(CKA.CKA_PUBLIC_EXPONENT, Rsa65537));
            }
            session.GenerateKeyPair(session.Factories.MechanismFactory.Create(mechanism), publicTemplate, privateTemplate, out _, out _);
            return true;
        });
        var handle = Convert.ToHexStringLower(id);
        log.LogInformation("Generated {Algorithm} key pair {KeyId} ({Label}) in PKCS#11 token {Token}", algorithm.Name(), handle, objectLabel, token.Label);
        return Task.FromResult(new KeyReference(Name, handle));
    }

    public CaSigningKey Open(KeyReference reference, KeyAlgorithm algorithm) =>
        _open.GetOrAdd(reference.Handle, handle => OpenKey(handle, algorithm));

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _token?.Dispose();
            _token = null;
        }
    }

    /// <summary>For tests: runs an operation on a logged-in session of the token.</summary>
    internal T WithSession<T>(Func<ISession, T> operation) => Token().Run(operation);

    internal static IObjectHandle? FindObject(ISession session, CKO objectClass, byte[] id)
    {
        var f = session.Factories.ObjectAttributeFactory;
        var found = session.FindAllObjects([f.Create(CKA.CKA_CLASS, objectClass), f.Create(CKA.CKA_ID, id)]);
        return found.Count switch
        {
            0 => null,
            1 => found[0],
            _ => throw new InvalidOperationException($"{found.Count} {objectClass} objects share CKA_ID {Convert.ToHexStringLower(id)}; refusing to guess"),
        };
    }

    private CaSigningKey OpenKey(string handle, KeyAlgorithm algorithm)
    {
        byte[] id;
        try
        {
            id = Convert.FromHexString(handle);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"'{handle}' is not a PKCS#11 key reference (a hex CKA_ID)");
        }
        var token = Token();
        return token.Run(session =>
        {
            var privateKey = FindObject(session, CKO.CKO_PRIVATE_KEY, id)
                ?? throw new InvalidOperationException($"PKCS#11 key {handle} is not in token '{token.Label}'");
            var publicKey = FindObject(session, CKO.CKO_PUBLIC_KEY, id)
                ?? throw new InvalidOperationException($"the public half of PKCS#11 key {handle} is not in token '{token.Label}'");
            var signer = new Pkcs11PrivateKey(token, id, privateKey);
            var keyType = (CKK)session.GetAttributeValue(privateKey, [CKA.CKA_KEY_TYPE])[0].GetValueAsUlong();
            if (algorithm.IsEc())
            {
                if (keyType != CKK.CKK_EC) throw Mismatch(handle, algorithm, keyType.ToString());
                var attributes = session.GetAttributeValue(publicKey, [CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT]);
                if (!attributes[0].GetValueAsByteArray().AsSpan().SequenceEqual(CurveParams(algorithm))) throw Mismatch(handle, algorithm, "another curve");
                var ec = ECDsa.Create(new ECParameters { Curve = algorithm.Curve(), Q = DecodeEcPoint(attributes[1].GetValueAsByteArray(), algorithm) });
                // CKM_ECDSA: the token draws k, so signing the same TBS again gives another signature.
                return new CaSigningKey(algorithm, new Pkcs11EcdsaSignatureGenerator(signer, ec), signsDeterministically: false);
            }
            if (keyType != CKK.CKK_RSA) throw Mismatch(handle, algorithm, keyType.ToString());
            var rsaAttributes = session.GetAttributeValue(publicKey, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
            var modulus = rsaAttributes[0].GetValueAsByteArray();
            var rsa = RSA.Create(new RSAParameters { Modulus = modulus, Exponent = rsaAttributes[1].GetValueAsByteArray() });
            if (rsa.KeySize != algorithm.RsaBits()) throw Mismatch(handle, algorithm, $"RSA-{rsa.KeySize}");
            // CKM_RSA_PKCS is RSASSA-PKCS1-v1_5, deterministic by construction (RFC 8017 section 8.2.1).
            return new CaSigningKey(algorithm, new Pkcs11RsaSignatureGenerator(signer, rsa), signsDeterministically: true);
        });
    }

    /// <summary>
    /// CKA_EC_POINT is DER OCTET STRING { 04 ‖ X ‖ Y } (PKCS#11 3.0 §2.3.3); a few tokens return the bare point, so both are read.
    /// </summary>
    internal static ECPoint DecodeEcPoint(byte[] value, KeyAlgorithm algorithm)
    {
        var size = algorithm == KeyAlgorithm.EcP384 ? 48 : 32;
        var point = value.Length == 1 + 2 * size && value[0] == 0x04 ? value : AsnDecoder.ReadOctetString(value, AsnEncodingRules.BER, out _);
        if (point.Length != 1 + 2 * size || point[0] != 0x04) throw new CryptographicException("CKA_EC_POINT is not an uncompressed point of the expected curve");
        return new ECPoint { X = point[1..(1 + size)], Y = point[(1 + size)..] };
    }

    private Pkcs11Token Token()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_token is not null) return _token;
            var o = options.Value;
            if (!o.HasToken)
                throw new InvalidOperationException("the PKCS#11 key store is not configured: set Castellan:KeyStore:Pkcs11:TokenLabel (or SlotId) and the PIN");
            // Not a Lazy<T>: a token that is briefly unavailable must not stay failed for the life of the process.
            _token = new Pkcs11Token(o, log);
            return _token;
        }
    }

    private static byte[] CurveParams(KeyAlgorithm algorithm) => algorithm == KeyAlgorithm.EcP384 ? P384Params : P256Params;

    private static InvalidOperationException Mismatch(string handle, KeyAlgorithm wanted, string found) =>
        new($"PKCS#11 key {handle} is not {wanted.Name()} (found {found})");
}
