using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.Authority;

/// <summary>Certificates issued over HTTP are accepted by openssl and gnutls; revocation shows in the CRL and in OCSP.</summary>
public abstract class IssuanceWithRealToolsTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : CastellanServer
{
    [Fact]
    public async Task Issued_tls_certificate_verifies_with_openssl_and_gnutls()
    {
        var issued = await server.IssueAsync("tls-server", "/CN=www.example.com", "DNS:www.example.com,DNS:example.com");

        var openssl = await Tools.OpenSslAsync("verify", "-CAfile", issued.Root, "-untrusted", issued.Issuer, "-purpose", "sslserver", issued.Leaf);
        Assert.True(openssl.ExitCode == 0, openssl.All);
        Assert.Contains($"{issued.Leaf}: OK", openssl.StdOut);

        var bundle = Path.Combine(issued.Directory, "bundle.pem");
        await File.WriteAllTextAsync(bundle, await File.ReadAllTextAsync(issued.Leaf) + await File.ReadAllTextAsync(issued.Chain));
        var gnutls = await Tools.RunAsync("certtool", ["--verify-chain", "--infile", bundle]);
        Assert.True(gnutls.ExitCode == 0, gnutls.All);
        Assert.Contains("Chain verification output: Verified", gnutls.All);
    }

    [Theory]
    [InlineData("rsa:2048")]
    [InlineData("rsa:3072")]
    [InlineData("ec:P-384")]
    public async Task Subscriber_key_types_are_accepted(string keyAlg)
    {
        var issued = await server.IssueAsync("mtls", "/CN=svc.internal.example", "DNS:svc.internal.example", keyAlg);
        var text = await Tools.OpenSslAsync("x509", "-in", issued.Leaf, "-noout", "-text");
        Assert.Contains(keyAlg.StartsWith("rsa", StringComparison.Ordinal) ? $"Public-Key: ({keyAlg[4..]} bit)" : "Public-Key: (384 bit)", text.StdOut);
    }

    [Fact]
    public async Task Revoked_certificate_fails_crl_check_and_ocsp_says_revoked()
    {
        var issued = await server.IssueAsync("tls-server", "/CN=revoke.example.com", "DNS:revoke.example.com");

        // Before revocation: CRL check passes, OCSP says good.
        var crlBefore = await FetchCrlAsync(issued, "issuing-1");
        var ok = await Tools.OpenSslAsync("verify", "-crl_check", "-CAfile", issued.Root, "-untrusted", issued.Issuer, "-CRLfile", crlBefore, issued.Leaf);
        Assert.True(ok.ExitCode == 0, ok.All);
        var good = await OcspAsync(issued);
        Assert.Contains($"{issued.Leaf}: good", good.StdOut);
        Assert.Contains("Response verify OK", good.All);

        using var revoke = await server.Client.PostAsJsonAsync($"/api/v1/certificates/{issued.Serial}/revoke", new { reason = "keyCompromise" });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        var crlAfter = await FetchCrlAsync(issued, "issuing-1");
        var bad = await Tools.OpenSslAsync("verify", "-crl_check", "-CAfile", issued.Root, "-untrusted", issued.Issuer, "-CRLfile", crlAfter, issued.Leaf);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("certificate revoked", bad.All);

        var crlText = await Tools.OpenSslAsync("crl", "-in", crlAfter, "-noout", "-text");
        Assert.Contains(issued.Serial.ToUpperInvariant(), crlText.StdOut.Replace(":", "", StringComparison.Ordinal).ToUpperInvariant());
        Assert.Contains("Key Compromise", crlText.StdOut);
        var crlVerify = await Tools.OpenSslAsync("crl", "-in", crlAfter, "-CAfile", issued.Issuer, "-noout");
        Assert.Contains("verify OK", crlVerify.All);

        var revoked = await OcspAsync(issued);
        Assert.Contains($"{issued.Leaf}: revoked", revoked.StdOut);
        Assert.Contains("Reason: keyCompromise", revoked.StdOut);
        Assert.Contains("Response verify OK", revoked.All);
    }

    [Fact]
    public async Task Ocsp_get_request_is_answered_and_nonce_is_echoed()
    {
        var issued = await server.IssueAsync("tls-client", "/CN=alice", null);
        var reqFile = Path.Combine(issued.Directory, "ocsp.req");
        var mk = await Tools.OpenSslAsync("ocsp", "-issuer", issued.Issuer, "-cert", issued.Leaf, "-no_nonce", "-reqout", reqFile);
        Assert.True(mk.ExitCode == 0, mk.All);
        var b64 = Uri.EscapeDataString(Convert.ToBase64String(await File.ReadAllBytesAsync(reqFile)));
        var bytes = await server.Anonymous.GetByteArrayAsync($"/ocsp/{b64}");
        var respFile = Path.Combine(issued.Directory, "ocsp.resp");
        await File.WriteAllBytesAsync(respFile, bytes);
        var check = await Tools.OpenSslAsync("ocsp", "-respin", respFile, "-issuer", issued.Issuer, "-cert", issued.Leaf, "-CAfile", issued.Chain);
        Assert.Contains($"{issued.Leaf}: good", check.StdOut);
        Assert.Contains("Response verify OK", check.All);

        // With a nonce (openssl's default) the response must echo it, or openssl warns.
        var withNonce = await Tools.OpenSslAsync("ocsp", "-issuer", issued.Issuer, "-cert", issued.Leaf, "-url", $"{server.BaseUrl}/ocsp", "-CAfile", issued.Chain, "-nonce");
        Assert.Contains($"{issued.Leaf}: good", withNonce.StdOut);
        Assert.DoesNotContain("WARNING: no nonce", withNonce.All);
    }

    [Fact]
    public async Task Certificate_hold_can_be_released()
    {
        var issued = await server.IssueAsync("tls-client", "/CN=bob", null);
        using var hold = await server.Client.PostAsJsonAsync($"/api/v1/certificates/{issued.Serial}/revoke", new { reason = "certificateHold" });
        Assert.Equal(HttpStatusCode.OK, hold.StatusCode);
        Assert.Contains("Certificate Hold", (await Tools.OpenSslAsync("crl", "-in", await FetchCrlAsync(issued, "issuing-1"), "-noout", "-text")).StdOut);
        Assert.Contains("revoked", (await OcspAsync(issued)).StdOut);

        using var release = await server.Client.PostAsync($"/api/v1/certificates/{issued.Serial}/release", null);
        Assert.Equal(HttpStatusCode.OK, release.StatusCode);
        Assert.Contains($"{issued.Leaf}: good", (await OcspAsync(issued)).StdOut);
        var crl = await FetchCrlAsync(issued, "issuing-1");
        var ok = await Tools.OpenSslAsync("verify", "-crl_check", "-CAfile", issued.Root, "-untrusted", issued.Issuer, "-CRLfile", crl, issued.Leaf);
        Assert.True(ok.ExitCode == 0, ok.All);

        using var again = await server.Client.PostAsync($"/api/v1/certificates/{issued.Serial}/release", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Server_generated_key_comes_back_once_as_pkcs12()
    {
        using var response = await server.Client.PostAsJsonAsync("/api/v1/certificates",
            new { profile = "tls-client", subject = "CN=device-42,O=Example", keyAlgorithm = "ec-p256" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var password = json.GetProperty("pkcs12Password").GetString()!;
        var dir = TestPaths.NewDirectory("p12");
        var p12 = Path.Combine(dir, "bundle.p12");
        await File.WriteAllBytesAsync(p12, Convert.FromBase64String(json.GetProperty("pkcs12").GetString()!));
        var read = await Tools.OpenSslAsync("pkcs12", "-in", p12, "-passin", $"pass:{password}", "-nodes", "-info");
        Assert.True(read.ExitCode == 0, read.All);
        Assert.Contains("BEGIN PRIVATE KEY", read.StdOut);
        Assert.Contains("CN = device-42", read.StdOut);
        Assert.Contains("PBES2", read.All);

        // The key is not kept: fetching the certificate again never returns key material.
        var serial = json.GetProperty("serialNumber").GetString();
        var again = await server.Client.GetStringAsync($"/api/v1/certificates/{serial}");
        Assert.DoesNotContain("PRIVATE KEY", again);
        Assert.DoesNotContain("pkcs12", again);
    }

    [Fact]
    public async Task Chain_downloads_as_pem_and_pkcs7()
    {
        var pem = await server.Client.GetStringAsync("/api/v1/cas/issuing-1/chain");
        Assert.Equal(2, Tools.SplitPem(pem).Count);
        var p7 = await server.Client.GetByteArrayAsync("/api/v1/cas/issuing-1/chain?format=p7b");
        var dir = TestPaths.NewDirectory("p7");
        var file = Path.Combine(dir, "chain.p7b");
        await File.WriteAllBytesAsync(file, p7);
        var printed = await Tools.OpenSslAsync("pkcs7", "-inform", "DER", "-in", file, "-print_certs", "-noout");
        Assert.Contains("Castellan Issuing CA 1", printed.StdOut);
        Assert.Contains("Castellan Root CA", printed.StdOut);
    }

    private async Task<string> FetchCrlAsync(IssuedFiles issued, string ca)
    {
        var bytes = await server.Anonymous.GetByteArrayAsync($"/crl/{ca}.crl");
        var file = Path.Combine(issued.Directory, $"{ca}-{Guid.NewGuid():N}.crl");
        await File.WriteAllBytesAsync(file, bytes);
        var pem = file + ".pem";
        await Tools.OpenSslAsync("crl", "-inform", "DER", "-in", file, "-out", pem);
        return pem;
    }

    private Task<Tools.Output> OcspAsync(IssuedFiles issued) =>
        Tools.OpenSslAsync("ocsp", "-issuer", issued.Issuer, "-cert", issued.Leaf, "-url", $"{server.BaseUrl}/ocsp", "-CAfile", issued.Chain, "-no_nonce");
}

public sealed class IssuanceWithRealToolsOnSqlite(SqliteServer server) : IssuanceWithRealToolsTests<SqliteServer>(server);

public sealed class IssuanceWithRealToolsOnPostgres(PostgresServer server) : IssuanceWithRealToolsTests<PostgresServer>(server);
