using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.KeyStores.Software;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Castellan.Authority.Tests.KeyStores.Software;

public sealed class SoftwareKeyStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("castellan-softkeys-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // Few PBKDF2 rounds: the tests open each key once or twice, and the rounds are not under test here.
    private SoftwareKeyStore NewStore() => new(
        Options.Create(new SoftwareKeyStoreOptions { Secret = "unit-test-secret-0123456789", Iterations = 1_000 }),
        new DataDirectory(_directory),
        NullLogger<SoftwareKeyStore>.Instance);

    public static TheoryData<KeyAlgorithm, string> Algorithms => new()
    {
        { KeyAlgorithm.EcP256, "1.2.840.10045.4.3.2" },   // ecdsa-with-SHA256
        { KeyAlgorithm.EcP384, "1.2.840.10045.4.3.3" },   // ecdsa-with-SHA384
        { KeyAlgorithm.Rsa2048, "1.2.840.113549.1.1.11" }, // sha256WithRSAEncryption
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Open_gives_a_deterministic_key_whose_signature_a_restarted_store_reproduces(KeyAlgorithm algorithm, string signatureOid)
    {
        var reference = await NewStore().GenerateAsync(algorithm, $"unit-{algorithm}", CancellationToken.None);
        var key = NewStore().Open(reference, algorithm);
        var tbs = RandomNumberGenerator.GetBytes(800);

        var signature = key.Sign(tbs);
        // Another store instance reads the key file afresh, as the server does after a restart.
        var again = NewStore().Open(reference, algorithm).Sign(tbs);

        Assert.True(key.SignsDeterministically);
        Assert.Equal(signature, again);
        Assert.Equal(signatureOid, new System.Formats.Asn1.AsnReader(key.SignatureAlgorithmIdentifier, System.Formats.Asn1.AsnEncodingRules.DER)
            .ReadSequence().ReadObjectIdentifier());
        Assert.True(Verify(key.PublicKey, algorithm, tbs, signature));
        tbs[0] ^= 1;
        Assert.False(Verify(key.PublicKey, algorithm, tbs, signature));
    }

    [Fact]
    public async Task Open_EC_key_uses_the_RFC_6979_signer()
    {
        var reference = await NewStore().GenerateAsync(KeyAlgorithm.EcP256, "unit-generator", CancellationToken.None);

        var key = NewStore().Open(reference, KeyAlgorithm.EcP256);

        Assert.IsType<DeterministicEcdsa>(key.Generator);
    }

    private static bool Verify(PublicKey publicKey, KeyAlgorithm algorithm, byte[] data, byte[] signature)
    {
        if (algorithm.IsEc())
        {
            using var ec = publicKey.GetECDsaPublicKey()!;
            return ec.VerifyData(data, signature, algorithm.SignatureHash(), DSASignatureFormat.Rfc3279DerSequence);
        }
        using var rsa = publicKey.GetRSAPublicKey()!;
        return rsa.VerifyData(data, signature, algorithm.SignatureHash(), RSASignaturePadding.Pkcs1);
    }
}
