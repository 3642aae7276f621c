using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.KeyStores;
using Castellan.Authority.KeyStores.Pkcs11;
using Castellan.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Xunit.Abstractions;
using LowLevel = Net.Pkcs11Interop.LowLevelAPI80;

namespace Castellan.Authority.Tests.KeyStores.Pkcs11;

/// <summary>A key store on this process's SoftHSM2 token, opened once for the test class.</summary>
public sealed class SoftHsmKeyStoreFixture : IDisposable
{
    public SoftHsmKeyStoreFixture() => Store = NewStore();

    public Pkcs11KeyStore Store { get; }

    public static Pkcs11KeyStore NewStore(int maxSessions = 8) => new(Options.Create(new Pkcs11KeyStoreOptions
    {
        ModulePath = SoftHsm.ModulePath, TokenLabel = SoftHsm.Shared.TokenLabel, Pin = SoftHsm.UserPin, MaxSessions = maxSessions,
    }), NullLogger<Pkcs11KeyStore>.Instance);

    public void Dispose() => Store.Dispose();
}

public sealed class Pkcs11KeyStoreTests(SoftHsmKeyStoreFixture fixture, ITestOutputHelper output) : IClassFixture<SoftHsmKeyStoreFixture>
{
    private readonly Pkcs11KeyStore _store = fixture.Store;

    public static TheoryData<KeyAlgorithm, string> Algorithms => new()
    {
        { KeyAlgorithm.EcP256, "1.2.840.10045.4.3.2" },   // ecdsa-with-SHA256
        { KeyAlgorithm.EcP384, "1.2.840.10045.4.3.3" },   // ecdsa-with-SHA384
        { KeyAlgorithm.Rsa2048, "1.2.840.113549.1.1.11" }, // sha256WithRSAEncryption
        { KeyAlgorithm.Rsa3072, "1.2.840.113549.1.1.11" },
        { KeyAlgorithm.Rsa4096, "1.2.840.113549.1.1.11" },
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task GenerateAsync_then_Sign_gives_a_signature_the_public_key_verifies(KeyAlgorithm algorithm, string signatureOid)
    {
        var reference = await _store.GenerateAsync(algorithm, $"unit-{algorithm}", CancellationToken.None);
        Assert.Equal("pkcs11", reference.Store);
        Assert.Matches("^[0-9a-f]{32}$", reference.Handle);

        var key = _store.Open(reference, algorithm);
        var data = RandomNumberGenerator.GetBytes(1000);
        var signature = key.Sign(data);

        Assert.Equal(signatureOid, ReadAlgorithmOid(key.SignatureAlgorithmIdentifier.ToArray()));
        Assert.True(Verify(key.PublicKey, algorithm, data, signature), $"the {algorithm} signature made in the token should verify in .NET");
        data[0] ^= 1;
        Assert.False(Verify(key.PublicKey, algorithm, data, signature), "a signature over other data must not verify");
    }

    [Theory]
    [InlineData(KeyAlgorithm.EcP256, CKA.CKA_VALUE)]
    [InlineData(KeyAlgorithm.EcP384, CKA.CKA_VALUE)]
    [InlineData(KeyAlgorithm.Rsa2048, CKA.CKA_PRIVATE_EXPONENT)]
    public async Task Generated_private_key_is_a_sensitive_non_extractable_token_object(KeyAlgorithm algorithm, CKA secret)
    {
        var reference = await _store.GenerateAsync(algorithm, "unit-custody", CancellationToken.None);
        var id = Convert.FromHexString(reference.Handle);

        var (flags, secretResult, publicReadable) = _store.WithSession(session =>
        {
            var key = Pkcs11KeyStore.FindObject(session, CKO.CKO_PRIVATE_KEY, id)!;
            var read = session.GetAttributeValue(key,
                [CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_TOKEN, CKA.CKA_PRIVATE, CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE]);
            var flags = read.Select(a => a.GetValueAsBool()).ToArray();
            // The raw C_GetAttributeValue, so the return value itself is checked rather than a wrapper's flag.
            using var raw = new LowLevel.Pkcs11Library(SoftHsm.ModulePath);
            LowLevel.CK_ATTRIBUTE[] template = [LowLevel.CkaUtils.CreateAttribute(secret)];
            var rv = raw.C_GetAttributeValue(session.SessionId, key.ObjectId, template, 1);
            // A control: the same call on the public half reads fine, so the refusal above is about the key.
            var publicKey = Pkcs11KeyStore.FindObject(session, CKO.CKO_PUBLIC_KEY, id)!;
            var control = session.GetAttributeValue(publicKey, [algorithm.IsEc() ? CKA.CKA_EC_POINT : CKA.CKA_MODULUS])[0];
            return (flags, rv, !control.CannotBeRead && control.GetValueAsByteArray().Length > 0);
        });

        Assert.Equal([true, false, true, true, true, true], flags); // sensitive, not extractable, token, private, always sensitive, never extractable
        Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, secretResult);
        Assert.True(publicReadable, "the public key's attributes should be readable");
    }

    [Theory]
    [InlineData(KeyAlgorithm.EcP256, false)] // CKM_ECDSA: the token draws k
    [InlineData(KeyAlgorithm.Rsa2048, true)] // CKM_RSA_PKCS: RSASSA-PKCS1-v1_5
    public async Task SignsDeterministically_is_true_exactly_when_signing_twice_gives_the_same_bytes(KeyAlgorithm algorithm, bool deterministic)
    {
        var reference = await _store.GenerateAsync(algorithm, "unit-determinism", CancellationToken.None);
        var key = _store.Open(reference, algorithm);
        var data = RandomNumberGenerator.GetBytes(500);

        var first = key.Sign(data);
        var second = key.Sign(data);

        Assert.Equal(deterministic, key.SignsDeterministically);
        Assert.Equal(deterministic, first.AsSpan().SequenceEqual(second));
    }

    [Fact]
    public async Task Sign_from_many_threads_at_once_gives_only_valid_signatures()
    {
        var reference = await _store.GenerateAsync(KeyAlgorithm.EcP256, "unit-concurrency", CancellationToken.None);
        var key = _store.Open(reference, KeyAlgorithm.EcP256);
        const int Signatures = 2000;
        var messages = Enumerable.Range(0, Signatures).Select(i => BitConverter.GetBytes(i).Concat(RandomNumberGenerator.GetBytes(200)).ToArray()).ToArray();
        var signatures = new byte[Signatures][];

        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, Signatures, new ParallelOptions { MaxDegreeOfParallelism = 16 }, (i, _) =>
        {
            signatures[i] = key.Sign(messages[i]);
            return ValueTask.CompletedTask;
        });
        clock.Stop();
        output.WriteLine($"{Signatures} ECDSA P-256 signatures in SoftHSM2 from 16 threads: {clock.Elapsed.TotalSeconds:F2} s, {Signatures / clock.Elapsed.TotalSeconds:F0}/s");

        using var publicKey = key.PublicKey.GetECDsaPublicKey()!;
        var bad = Enumerable.Range(0, Signatures).Count(i => !publicKey.VerifyData(messages[i], signatures[i], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(0, bad);
    }

    [Fact]
    public async Task A_key_reopened_through_a_new_store_signs_with_the_same_public_key()
    {
        var reference = await _store.GenerateAsync(KeyAlgorithm.EcP384, "unit-reopen", CancellationToken.None);
        var original = _store.Open(reference, KeyAlgorithm.EcP384).PublicKey.ExportSubjectPublicKeyInfo();

        using var other = SoftHsmKeyStoreFixture.NewStore(maxSessions: 1);
        var reopened = other.Open(reference, KeyAlgorithm.EcP384);
        var data = RandomNumberGenerator.GetBytes(64);

        Assert.Equal(original, reopened.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.True(Verify(reopened.PublicKey, KeyAlgorithm.EcP384, data, reopened.Sign(data)));
    }

    [Fact]
    public void Open_with_an_unknown_id_says_the_key_is_not_in_the_token()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _store.Open(new KeyReference("pkcs11", "00112233445566778899aabbccddeeff"), KeyAlgorithm.EcP256));
        Assert.Contains("is not in token", error.Message);
    }

    [Fact]
    public async Task Open_as_another_algorithm_than_generated_is_refused()
    {
        var reference = await _store.GenerateAsync(KeyAlgorithm.EcP256, "unit-mismatch", CancellationToken.None);
        using var other = SoftHsmKeyStoreFixture.NewStore(maxSessions: 1); // a fresh cache, so the key is looked up again
        Assert.Contains("is not ec-p384", Assert.Throws<InvalidOperationException>(() => other.Open(reference, KeyAlgorithm.EcP384)).Message);
        Assert.Contains("is not rsa-2048", Assert.Throws<InvalidOperationException>(() => other.Open(reference, KeyAlgorithm.Rsa2048)).Message);
    }

    [Fact]
    public async Task A_wrong_pin_is_refused_without_echoing_it()
    {
        using var store = new Pkcs11KeyStore(Options.Create(new Pkcs11KeyStoreOptions
        {
            ModulePath = SoftHsm.ModulePath, TokenLabel = SoftHsm.Shared.SpareTokenLabel, Pin = "not-the-pin-4711",
        }), NullLogger<Pkcs11KeyStore>.Instance);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GenerateAsync(KeyAlgorithm.EcP256, "x", CancellationToken.None));
        Assert.Contains("CKR_PIN_INCORRECT", error.Message);
        Assert.DoesNotContain("4711", error.Message);
    }

    [Fact]
    public async Task Unconfigured_store_refuses_to_generate_and_never_loads_a_module()
    {
        using var store = new Pkcs11KeyStore(Options.Create(new Pkcs11KeyStoreOptions { ModulePath = "/nonexistent/module.so" }), NullLogger<Pkcs11KeyStore>.Instance);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GenerateAsync(KeyAlgorithm.EcP256, "x", CancellationToken.None));
        Assert.Contains("Castellan:KeyStore:Pkcs11:TokenLabel", error.Message);
    }

    [Theory]
    [InlineData("software", null, null, true)]
    [InlineData("pkcs11", "CA", "1234", true)]
    [InlineData("pkcs11", null, "1234", false)]
    [InlineData("pkcs11", "CA", null, false)]
    public void Options_are_required_only_when_pkcs11_is_the_backend(string backend, string? token, string? pin, bool valid)
    {
        var validator = new Pkcs11KeyStoreOptionsValidator(Options.Create(new KeyStoreOptions { Backend = backend }));
        var result = validator.Validate(null, new Pkcs11KeyStoreOptions { TokenLabel = token, Pin = pin });
        Assert.True(valid == result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Raw_ecdsa_signature_becomes_a_minimal_der_sequence()
    {
        // r has a high bit (needs a 0x00 pad), s has leading zeros (must be stripped).
        var raw = Convert.FromHexString("80" + new string('1', 62) + "0000" + new string('2', 60));
        var der = Pkcs11EcdsaSignatureGenerator.ToDer(raw);
        Assert.Equal("3043022100" + "80" + new string('1', 62) + "021e" + new string('2', 60), Convert.ToHexStringLower(der));
    }

    private static bool Verify(PublicKey key, KeyAlgorithm algorithm, byte[] data, byte[] signature)
    {
        if (algorithm.IsEc())
        {
            using var ec = key.GetECDsaPublicKey()!;
            Assert.Equal(algorithm == KeyAlgorithm.EcP384 ? 384 : 256, ec.KeySize);
            return ec.VerifyData(data, signature, algorithm.SignatureHash(), DSASignatureFormat.Rfc3279DerSequence);
        }
        using var rsa = key.GetRSAPublicKey()!;
        Assert.Equal(algorithm.RsaBits(), rsa.KeySize);
        return rsa.VerifyData(data, signature, algorithm.SignatureHash(), RSASignaturePadding.Pkcs1);
    }

    private static string ReadAlgorithmOid(byte[] algorithmIdentifier)
    {
        var reader = new System.Formats.Asn1.AsnReader(algorithmIdentifier, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        return reader.ReadObjectIdentifier();
    }
}
