using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.KeyStores.Software;

namespace Castellan.Authority.Tests.KeyStores.Software;

public sealed class DeterministicEcdsaTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("castellan-rfc6979-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, string> Curves => new()
    {
        { "nistP256", "SHA256" },
        { "nistP384", "SHA384" },
        { "nistP521", "SHA512" },
    };

    [Theory]
    [MemberData(nameof(Curves))]
    public void SignData_same_data_twice_gives_identical_bytes_and_other_data_another_r(string curve, string hash)
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        var signer = Create(key);
        var data = RandomNumberGenerator.GetBytes(700);
        var other = (byte[])data.Clone();
        other[^1] ^= 1;

        var first = signer.SignData(data, new HashAlgorithmName(hash));
        var second = signer.SignData(data, new HashAlgorithmName(hash));
        var third = signer.SignData(other, new HashAlgorithmName(hash));

        Assert.Equal(first, second);
        Assert.NotEqual(Rfc6979VectorsTests.ReadSignature(first).R, Rfc6979VectorsTests.ReadSignature(third).R);
        Assert.True(key.VerifyData(data, first, new HashAlgorithmName(hash), DSASignatureFormat.Rfc3279DerSequence));
        Assert.True(key.VerifyData(other, third, new HashAlgorithmName(hash), DSASignatureFormat.Rfc3279DerSequence));
        Assert.False(key.VerifyData(other, first, new HashAlgorithmName(hash), DSASignatureFormat.Rfc3279DerSequence));
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Algorithm_identifier_and_public_key_equal_those_of_the_NET_generator(string curve, string hash)
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        var signer = Create(key);
        var dotnet = X509SignatureGenerator.CreateForECDsa(key);

        foreach (var h in (string[])[hash, "SHA256", "SHA384", "SHA512"])
        {
            Assert.Equal(dotnet.GetSignatureAlgorithmIdentifier(new HashAlgorithmName(h)), signer.GetSignatureAlgorithmIdentifier(new HashAlgorithmName(h)));
        }
        Assert.Equal(dotnet.PublicKey.ExportSubjectPublicKeyInfo(), signer.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void TryCreate_refuses_a_public_only_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicOnly = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));

        Assert.ThrowsAny<CryptographicException>(() => DeterministicEcdsa.TryCreate(publicOnly));
    }

    [Fact]
    public void TryCreate_refuses_a_private_key_that_does_not_match_its_public_point()
    {
        using var a = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var b = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var mixed = a.ExportParameters(includePrivateParameters: true);
        mixed.D = b.ExportParameters(includePrivateParameters: true).D;

        // .NET itself may refuse the pair on import; if it accepts it, the deterministic signer must not.
        ECDsa? key = null;
        try
        {
            key = ECDsa.Create(mixed);
        }
        catch (CryptographicException)
        {
            return;
        }
        using (key) Assert.Null(DeterministicEcdsa.TryCreate(key));
    }

    [Fact]
    public async Task Openssl_verifies_a_certificate_chain_and_a_raw_signature_made_with_it()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = Create(caKey);
        var now = DateTimeOffset.UtcNow;
        var rootRequest = new CertificateRequest("CN=RFC 6979 test root", caKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        var rootName = new X500DistinguishedName("CN=RFC 6979 test root");
        using var root = rootRequest.Create(rootName, signer, now.AddMinutes(-5), now.AddDays(1), [1]);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=leaf.example", leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        using var leaf = leafRequest.Create(rootName, signer, now.AddMinutes(-5), now.AddHours(1), [2]);
        using var leafAgain = leafRequest.Create(rootName, signer, now.AddMinutes(-5), now.AddHours(1), [2]);

        Assert.Equal(leaf.RawData, leafAgain.RawData); // same TBS, same certificate
        var rootPem = Path.Combine(_directory, "root.pem");
        var leafPem = Path.Combine(_directory, "leaf.pem");
        await File.WriteAllTextAsync(rootPem, root.ExportCertificatePem());
        await File.WriteAllTextAsync(leafPem, leaf.ExportCertificatePem());
        Assert.Contains("leaf.pem: OK", await OpensslAsync("verify", "-CAfile", rootPem, leafPem));

        var data = RandomNumberGenerator.GetBytes(300);
        var dataFile = Path.Combine(_directory, "data");
        var signatureFile = Path.Combine(_directory, "data.sig");
        var publicPem = Path.Combine(_directory, "public.pem");
        await File.WriteAllBytesAsync(dataFile, data);
        await File.WriteAllBytesAsync(signatureFile, signer.SignData(data, HashAlgorithmName.SHA256));
        await File.WriteAllTextAsync(publicPem, caKey.ExportSubjectPublicKeyInfoPem());
        Assert.Contains("Verified OK", await OpensslAsync("dgst", "-sha256", "-verify", publicPem, "-signature", signatureFile, dataFile));
    }

    [Fact]
    public async Task Concurrent_signers_all_produce_the_single_threaded_signatures()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = Create(key);
        var messages = Enumerable.Range(0, 64).Select(_ => RandomNumberGenerator.GetBytes(500)).ToArray();
        var expected = messages.Select(m => signer.SignData(m, HashAlgorithmName.SHA256)).ToArray();

        var threads = Math.Max(8, Environment.ProcessorCount * 4);
        var results = await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            // Each worker walks the messages from its own offset, so different messages are signed at the same time.
            var mismatches = 0;
            for (var i = 0; i < messages.Length; i++)
            {
                var index = (i + t * 7) % messages.Length;
                var signature = signer.SignData(messages[index], HashAlgorithmName.SHA256);
                if (!signature.AsSpan().SequenceEqual(expected[index])
                    || !key.VerifyData(messages[index], signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
                {
                    mismatches++;
                }
            }
            return mismatches;
        })));

        Assert.All(results, mismatches => Assert.Equal(0, mismatches));
    }


    private static DeterministicEcdsa Create(ECDsa key)
    {
        var signer = DeterministicEcdsa.TryCreate(key);
        Assert.NotNull(signer);
        return signer;
    }

    private static async Task<string> OpensslAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        var all = await stdout + await stderr;
        Assert.True(p.ExitCode == 0, $"openssl {string.Join(' ', args)} failed: {all}");
        return all;
    }
}
