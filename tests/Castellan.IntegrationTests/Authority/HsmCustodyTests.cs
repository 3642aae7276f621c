using System.Diagnostics;
using System.Formats.Asn1;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Authority.Issuance;
using Castellan.Storage;
using Microsoft.EntityFrameworkCore;
using Castellan.IntegrationTests.Support;
using Castellan.Testing;
using Xunit.Abstractions;

namespace Castellan.IntegrationTests.Authority;

/// <summary>
/// A server configured with Castellan:KeyStore:Backend=pkcs11 creates its CA keys in SoftHSM2, writes no key file, and
/// everything it signs there (certificates, CRLs, OCSP responses) is accepted by openssl.
/// </summary>
public abstract class HsmCustodyTests<TServer>(TServer server, ITestOutputHelper output) : IClassFixture<TServer> where TServer : HsmServer
{
    [Fact]
    public async Task Ca_private_keys_are_sensitive_token_objects_and_no_key_file_is_written()
    {
        var cas = (await server.Get<ICaStore>().ListAsync(CancellationToken.None)).Where(c => c.Id is "root" or "issuing-1").ToList();
        Assert.Equal(2, cas.Count);
        var keys = cas.SelectMany(c => new[] { (Label: c.Id, Key: c.Key), (Label: c.Id + "-ocsp", Key: c.OcspResponderKey!) }).ToList();
        Assert.All(keys, k => Assert.Equal("pkcs11", k.Key.Store));

        var keyFolder = Path.Combine(server.DataDirectory, "keys");
        Assert.Empty(Directory.Exists(keyFolder) ? Directory.GetFiles(keyFolder, "*", SearchOption.AllDirectories) : []);
        Assert.False(File.Exists(Path.Combine(server.DataDirectory, "keystore.secret")), "an HSM-only installation has no software key-encryption secret");

        var (exit, listing) = SoftHsm.Shared.Pkcs11Tool("--list-objects", "--type", "privkey");
        Assert.True(exit == 0, listing);
        var objects = listing.Split("Private Key Object", StringSplitOptions.RemoveEmptyEntries);
        foreach (var (label, key) in keys)
        {
            var block = objects.SingleOrDefault(o => o.Contains($"ID:         {key.Handle}", StringComparison.Ordinal));
            Assert.True(block is not null, $"the token should hold private key {key.Handle} ({label}); pkcs11-tool listed:\n{listing}");
            Assert.Contains($"label:      castellan-{label}", block);
            // sensitive = CKA_SENSITIVE, never extractable = CKA_NEVER_EXTRACTABLE, local = generated in the token.
            // (The unit tests also show C_GetAttributeValue refusing the private value with CKR_ATTRIBUTE_SENSITIVE.)
            Assert.Contains("Access:     sensitive, always sensitive, never extractable, local", block);
        }

        // The CA certificates carry the token's public keys: the key that signs is the key in the token.
        var (_, publicListing) = SoftHsm.Shared.Pkcs11Tool("--list-objects", "--type", "pubkey");
        var publicObjects = publicListing.Split("Public Key Object", StringSplitOptions.RemoveEmptyEntries);
        foreach (var ca in cas)
        {
            using var certificate = X509CertificateLoader.LoadCertificate(ca.CertificateDer!);
            if (ca.KeyAlgorithm.IsEc())
            {
                // pkcs11-tool 0.23 cannot export EC public keys with OpenSSL 3 ("cannot create EVP_PKEY"), but it lists
                // CKA_EC_POINT: DER OCTET STRING around the same 04||X||Y the certificate holds.
                var block = publicObjects.Single(o => o.Contains($"ID:         {ca.Key.Handle}", StringComparison.Ordinal));
                Assert.Contains(Convert.ToHexStringLower(certificate.PublicKey.EncodedKeyValue.RawData) + "\n", block.ReplaceLineEndings("\n"));
                continue;
            }
            var file = Path.Combine(server.DataDirectory, $"{ca.Id}-pub.der");
            var (pubExit, pubOutput) = SoftHsm.Shared.Pkcs11Tool("--read-object", "--type", "pubkey", "--id", ca.Key.Handle, "-o", file);
            Assert.True(pubExit == 0, pubOutput);
            Assert.Equal(Convert.ToHexString(certificate.PublicKey.ExportSubjectPublicKeyInfo()), Convert.ToHexString(await File.ReadAllBytesAsync(file)));
        }
    }

    [Fact]
    public async Task Certificate_crls_and_ocsp_signed_in_the_token_verify_with_openssl()
    {
        var issued = await server.IssueAsync("tls-server", "/CN=hsm.example.com", "DNS:hsm.example.com");
        var verify = await Tools.OpenSslAsync("verify", "-CAfile", issued.Root, "-untrusted", issued.Issuer, "-purpose", "sslserver", issued.Leaf);
        Assert.True(verify.ExitCode == 0, verify.All);
        Assert.Contains($"{issued.Leaf}: OK", verify.StdOut);

        // Both CRLs: the root's is signed by the root key, the issuing CA's by the issuing key, each inside the token.
        var rootCrl = await FetchCrlAsync(issued, "root");
        var issuingCrl = await FetchCrlAsync(issued, "issuing-1");
        Assert.Contains("verify OK", (await Tools.OpenSslAsync("crl", "-verify", "-in", rootCrl, "-CAfile", issued.Root, "-noout")).All);
        Assert.Contains("verify OK", (await Tools.OpenSslAsync("crl", "-verify", "-in", issuingCrl, "-CAfile", issued.Issuer, "-noout")).All);
        var crlCheck = await Tools.OpenSslAsync("verify", "-crl_check_all", "-CAfile", issued.Root, "-untrusted", issued.Issuer, "-CRLfile", rootCrl, "-CRLfile", issuingCrl, issued.Leaf);
        Assert.True(crlCheck.ExitCode == 0, crlCheck.All);

        var good = await OcspAsync(issued);
        Assert.Contains($"{issued.Leaf}: good", good.StdOut);
        Assert.Contains("Response verify OK", good.All);

        using var revoke = await server.Client.PostAsJsonAsync($"/api/v1/certificates/{issued.Serial}/revoke", new { reason = "keyCompromise" });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        var revokedCrl = await FetchCrlAsync(issued, "issuing-1");
        Assert.Contains("verify OK", (await Tools.OpenSslAsync("crl", "-verify", "-in", revokedCrl, "-CAfile", issued.Issuer, "-noout")).All);
        var refused = await Tools.OpenSslAsync("verify", "-crl_check", "-CAfile", issued.Root, "-untrusted", issued.Issuer, "-CRLfile", revokedCrl, issued.Leaf);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("certificate revoked", refused.All);

        // With a nonce the response is signed on demand, not served from the pre-signed cache.
        var revoked = await Tools.OpenSslAsync("ocsp", "-issuer", issued.Issuer, "-cert", issued.Leaf, "-url", $"{server.BaseUrl}/ocsp", "-CAfile", issued.Chain, "-nonce");
        Assert.Contains($"{issued.Leaf}: revoked", revoked.StdOut);
        Assert.Contains("Response verify OK", revoked.All);
        Assert.DoesNotContain("WARNING: no nonce", revoked.All);
    }

    [Fact]
    public async Task Concurrent_issuance_signs_every_certificate_in_the_token()
    {
        const int Count = 24;
        var clock = Stopwatch.StartNew();
        var issued = await Task.WhenAll(Enumerable.Range(0, Count).Select(i =>
            server.IssueAsync("tls-server", $"/CN=parallel-{i}.example.com", $"DNS:parallel-{i}.example.com")));
        clock.Stop();
        output.WriteLine($"{Count} concurrent issuances (openssl key+CSR, HTTP, HSM signature) in {clock.Elapsed.TotalSeconds:F2} s");

        Assert.Equal(Count, issued.Select(i => i.Serial).Distinct().Count());
        var verify = await Tools.OpenSslAsync(["verify", "-CAfile", issued[0].Root, "-untrusted", issued[0].Issuer, "-purpose", "sslserver", .. issued.Select(i => i.Leaf)]);
        Assert.True(verify.ExitCode == 0, verify.All);
        Assert.Equal(Count, verify.StdOut.Split('\n').Count(l => l.EndsWith(": OK", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_interrupted_issuance_is_resumed_only_when_the_token_signs_the_same_TBS_to_the_same_bytes()
    {
        // RSA PKCS#1 v1.5 in the token is deterministic; ECDSA in the token picks its own k, so re-signing a recorded TBS
        // would give a different certificate than the one a client may hold: that reservation must be abandoned instead.
        var issuer = (await server.Get<CaDirectory>().DefaultIssuerAsync(CancellationToken.None))!;
        var rsa = !issuer.Key.Algorithm.IsEc();
        Assert.Equal(rsa, issuer.Key.SignsDeterministically);

        var issued = await server.IssueAsync("tls-server", "/CN=interrupted.example.com", "DNS:interrupted.example.com");
        using var leaf = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(issued.Leaf));
        var tbs = new AsnReader(leaf.RawData, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().ToArray();
        var factory = server.Get<IDbContextFactory<CastellanDb>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            // As a power loss leaves it: the reservation with its TBS, recorded long enough ago to be settled.
            var row = await db.Certificates.SingleAsync(c => c.Serial == issued.Serial);
            row.Status = (int)CertificateStatus.Reserved;
            row.Der = null;
            row.Tbs = tbs;
            row.RecordedAt -= (long)TimeSpan.FromMinutes(10).TotalMilliseconds;
            await db.SaveChangesAsync();
        }

        var (resumed, abandoned) = await server.Get<InterruptedIssuance>().SettleAsync(CancellationToken.None);

        var stored = await server.Get<ICertificateStore>().GetAsync(SerialNumber.Parse(issued.Serial), CancellationToken.None);
        if (rsa)
        {
            Assert.Equal((1, 0), (resumed, abandoned));
            Assert.Equal(CertificateStatus.Valid, stored!.Status);
            Assert.Equal(leaf.RawData, stored.Der);
        }
        else
        {
            Assert.Equal((0, 1), (resumed, abandoned));
            Assert.Equal(CertificateStatus.Abandoned, stored!.Status);
            Assert.Null(stored.Der);
        }
    }

    private async Task<string> FetchCrlAsync(IssuedFiles issued, string ca)
    {
        var file = Path.Combine(issued.Directory, $"{ca}-{Guid.NewGuid():N}.crl");
        await File.WriteAllBytesAsync(file, await server.Anonymous.GetByteArrayAsync($"/crl/{ca}.crl"));
        var pem = file + ".pem";
        var converted = await Tools.OpenSslAsync("crl", "-inform", "DER", "-in", file, "-out", pem);
        Assert.True(converted.ExitCode == 0, converted.All);
        return pem;
    }

    private Task<Tools.Output> OcspAsync(IssuedFiles issued) =>
        Tools.OpenSslAsync("ocsp", "-issuer", issued.Issuer, "-cert", issued.Leaf, "-url", $"{server.BaseUrl}/ocsp", "-CAfile", issued.Chain, "-no_nonce");
}

[Collection(SoftHsmCollection.Name)]
public sealed class HsmCustodyWithEcKeys(HsmServer server, ITestOutputHelper output) : HsmCustodyTests<HsmServer>(server, output);

[Collection(SoftHsmCollection.Name)]
public sealed class HsmCustodyWithRsaKeys(RsaHsmServer server, ITestOutputHelper output) : HsmCustodyTests<RsaHsmServer>(server, output);

/// <summary>Every real-tools issuance test of the software backend, repeated with the CA keys in the token.</summary>
[Collection(SoftHsmCollection.Name)]
public sealed class IssuanceWithRealToolsOnHsm(HsmServer server) : IssuanceWithRealToolsTests<HsmServer>(server);

[Collection(SoftHsmCollection.Name)]
public sealed class HsmConfigurationTests
{
    [Fact]
    public async Task Server_with_the_pkcs11_backend_but_no_token_refuses_to_start()
    {
        var app = Castellan.Server.Hosting.CastellanHost.Build(
        [
            "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--data", TestPaths.NewDirectory("hsm-config"),
            "--Logging:LogLevel:Default", "None", "--Castellan:KeyStore:Backend", "pkcs11",
        ]);
        await using (app)
        {
            var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());
            Assert.Contains("Castellan:KeyStore:Pkcs11:TokenLabel (or SlotId) is required", error.Message);
        }
    }
}

/// <summary>
/// The PKCS#11 module is process-wide (one C_Initialize, reference-counted C_Finalize): servers that share it start and
/// stop one class at a time, so no fixture finalises the module while another is initialising it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SoftHsmCollection
{
    public const string Name = "SoftHSM2 token";
}
