using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Castellan.IntegrationTests.Acme;

/// <summary>
/// RFC 9773 §4.2 after an operator's <c>POST /api/v1/cas/{id}/replace</c>: every certificate the CA issued before has a
/// window starting now, and a certificate issued afterwards (the replacement) keeps an ordinary window, or ARI clients
/// would renew it again and again. Its own server: starting a replacement changes every certificate of the CA, which
/// would disturb AcmeOrderTests' windows.
/// </summary>
public sealed class RenewalInfoReplacementTests(AcmeServer server) : IClassFixture<AcmeServer>
{
    [Fact]
    public async Task Replacing_the_issuing_CA_moves_earlier_windows_to_now_and_leaves_the_replacement_certificate_a_normal_window()
    {
        using var c = await server.ClientAsync();
        var (before, caId) = await IssueAsync(c, "127.0.0.21");
        var normal = await RenewalInfoAsync(c, before);
        Assert.True(normal.Start > DateTimeOffset.UtcNow.AddDays(1), $"before the replacement the window starts {normal.Start}");
        Assert.Equal(21600, normal.RetryAfter);

        using (var replace = await server.Client.PostAsync($"/api/v1/cas/{caId}/replace", null))
            Assert.True(replace.IsSuccessStatusCode, $"wanted the replacement started, got {(int)replace.StatusCode} {await replace.Content.ReadAsStringAsync()}");

        var moved = await RenewalInfoAsync(c, before);
        Assert.True(moved.Start <= DateTimeOffset.UtcNow && moved.End > DateTimeOffset.UtcNow, $"after the replacement the window is {moved.Start}..{moved.End}");
        Assert.True(moved.RetryAfter < normal.RetryAfter, "clients are asked to come back sooner while a replacement runs");

        // The replacement certificate, issued within the NotBefore backdate of the replacement's start.
        var (after, _) = await IssueAsync(c, "127.0.0.21");
        var renewed = await RenewalInfoAsync(c, after);
        Assert.True(renewed.Start > DateTimeOffset.UtcNow.AddDays(1), $"a certificate issued after the replacement started has its window at {renewed.Start}");
    }

    [Fact]
    public async Task An_unknown_certificate_or_a_malformed_id_is_refused_without_a_window()
    {
        using var c = await server.ClientAsync();
        using var http = new HttpClient();
        using (var unknown = await http.GetAsync(c.Url("renewalInfo") + "/" + AcmeTestClient.B64(new byte[20]) + "." + AcmeTestClient.B64(new byte[] { 0x01, 0x02, 0x03 })))
            Assert.Equal(404, (int)unknown.StatusCode);
        using var malformed = await http.GetAsync(c.Url("renewalInfo") + "/not-a-cert-id");
        Assert.Equal(400, (int)malformed.StatusCode);
        Assert.Contains("urn:ietf:params:acme:error:malformed", await malformed.Content.ReadAsStringAsync());
    }

    private async Task<(X509Certificate2 Leaf, string CaId)> IssueAsync(AcmeTestClient c, string ip)
    {
        var (_, ready) = await server.ReadyOrderAsync(c, null, ip);
        var finalized = await c.PostAsync(ready.GetProperty("finalize").GetString()!, new { csr = AcmeTestClient.B64(Csrs.New("ip:" + ip).Der) });
        Assert.True(finalized.Status == 200, finalized.ToString());
        var cert = await c.PostAsync(finalized.Json.GetProperty("certificate").GetString()!, null);
        Assert.Equal(200, cert.Status);
        // RFC 8555 §7.4.2: Link rel="up" names the issuer's certificate, /ca/{id}.cer.
        var up = cert.Links.Select(l => Regex.Match(l, @"/ca/([^/>]+)\.cer>;rel=""up""")).First(m => m.Success);
        return (X509Certificate2.CreateFromPem(Support.Tools.SplitPem(cert.Body)[0]), up.Groups[1].Value);
    }

    private static async Task<(DateTimeOffset Start, DateTimeOffset End, int RetryAfter)> RenewalInfoAsync(AcmeTestClient c, X509Certificate2 leaf)
    {
        var aki = leaf.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.ToArray();
        using var http = new HttpClient();
        using var r = await http.GetAsync(c.Url("renewalInfo") + "/" + AcmeTestClient.B64(aki) + "." + AcmeTestClient.B64(leaf.SerialNumberBytes.Span));
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        var w = JsonDocument.Parse(body).RootElement.GetProperty("suggestedWindow");
        return (DateTimeOffset.Parse(w.GetProperty("start").GetString()!, CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(w.GetProperty("end").GetString()!, CultureInfo.InvariantCulture),
                (int)r.Headers.RetryAfter!.Delta!.Value.TotalSeconds);
    }
}
