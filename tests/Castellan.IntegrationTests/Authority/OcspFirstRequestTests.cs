using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Hierarchy;
using Castellan.Authority.Ocsp;
using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.Authority;

/// <summary>A new certificate's OCSP response is signed on its first request, not at issuance, and then served from
/// the cache (docs/flows/issuance.md step 5).</summary>
public sealed class OcspFirstRequestTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task A_new_certificate_is_signed_on_its_first_ocsp_request_and_answered_from_the_cache_after_it()
    {
        var issued = await server.IssueAsync("tls-server", "/CN=ocsp-first.example.com", "DNS:ocsp-first.example.com");
        using var issuer = X509CertificateLoader.LoadCertificateFromFile(issued.Issuer);
        var cache = server.Get<OcspResponseCache>();
        // The SHA-1 CertID form openssl sends, which is the form pre-signing used to write.
        var key = OcspResponseCache.Key("1.3.14.3.2.26", CertIdHashes.KeyHashSha1(issuer), issued.Serial);

        // Pre-signing ran within milliseconds of the issuance event; give a busy machine far longer than that.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet(key, DateTimeOffset.UtcNow, out _), "the response was signed at issuance");

        var first = Path.Combine(issued.Directory, "first.der");
        var second = Path.Combine(issued.Directory, "second.der");
        var answer = await Tools.OpenSslAsync("ocsp", "-issuer", issued.Issuer, "-cert", issued.Leaf, "-url", $"{server.BaseUrl}/ocsp",
            "-CAfile", issued.Chain, "-no_nonce", "-respout", first);
        Assert.Contains($"{issued.Leaf}: good", answer.StdOut);
        Assert.Contains("Response verify OK", answer.All);
        Assert.True(cache.TryGet(key, DateTimeOffset.UtcNow, out _), "the first request's response was not cached");

        var again = await Tools.OpenSslAsync("ocsp", "-issuer", issued.Issuer, "-cert", issued.Leaf, "-url", $"{server.BaseUrl}/ocsp",
            "-CAfile", issued.Chain, "-no_nonce", "-respout", second);
        Assert.Contains($"{issued.Leaf}: good", again.StdOut);
        // An ECDSA signature differs every time it is made, so equal bytes mean the second answer came from the cache.
        Assert.Equal(await File.ReadAllBytesAsync(first), await File.ReadAllBytesAsync(second));
    }
}
