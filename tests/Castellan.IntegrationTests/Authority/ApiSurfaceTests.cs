using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.Authority;

/// <summary>The API describes itself, refuses callers without a valid key, and audits configuration changes.</summary>
public sealed class ApiSurfaceTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task OpenApi_document_lists_the_v1_endpoints_and_docs_page_is_served()
    {
        var doc = await server.Anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/certificates", "/api/v1/certificates/{serial}", "/api/v1/certificates/{serial}/revoke", "/api/v1/cas", "/api/v1/cas/{id}/chain", "/ocsp" })
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI document lacks {path}");
        using var docs = await server.Anonymous.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("text/html", docs.Content.Headers.ContentType?.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer cstl_not-a-real-key-000000000000")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    public async Task Api_refuses_missing_or_wrong_keys_with_problem_details(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cas");
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await server.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.WwwAuthenticate.Count > 0);
    }

    [Fact]
    public async Task Profile_creation_is_audited_with_the_actor()
    {
        using var added = await server.Client.PostAsJsonAsync("/api/v1/profiles", new
        {
            id = "audited-profile", name = "Audited", maxValidityDays = 30, keyUsage = "DigitalSignature", allowedSanTypes = new[] { "Dns" },
        });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var entries = await server.Client.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=profile.created");
        var entry = entries.EnumerateArray().Single(e => e.GetProperty("target").GetString() == "profile:audited-profile");
        Assert.StartsWith("apikey:", entry.GetProperty("actor").GetString());
        var verify = await server.Client.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.True(verify.GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task Search_pages_and_filters_by_san_and_status()
    {
        var a = await server.IssueAsync("tls-client", "/CN=search-a", "DNS:search-a.example.net");
        var b = await server.IssueAsync("tls-client", "/CN=search-b", "DNS:search-b.example.net");
        using (await server.Client.PostAsJsonAsync($"/api/v1/certificates/{b.Serial}/revoke", new { reason = "superseded" })) { }

        var bySan = await server.Client.GetFromJsonAsync<JsonElement>("/api/v1/certificates?san=search-a.example.net");
        Assert.Equal(1, bySan.GetProperty("total").GetInt32());
        Assert.Equal(a.Serial, bySan.GetProperty("items")[0].GetProperty("serialNumber").GetString());

        var revoked = await server.Client.GetFromJsonAsync<JsonElement>("/api/v1/certificates?status=revoked&subject=search-");
        Assert.Equal(b.Serial, revoked.GetProperty("items").EnumerateArray().Single().GetProperty("serialNumber").GetString());

        var page = await server.Client.GetFromJsonAsync<JsonElement>("/api/v1/certificates?pageSize=1&page=2&subject=search-");
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        Assert.Single(page.GetProperty("items").EnumerateArray());

        var expiring = await server.Client.GetFromJsonAsync<JsonElement>($"/api/v1/certificates?subject=search-&expiresBefore={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(2).ToString("O"))}");
        Assert.Equal(0, expiring.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Certificate_downloads_in_each_format()
    {
        var issued = await server.IssueAsync("tls-client", "/CN=formats", null);
        var der = await server.Client.GetByteArrayAsync($"/api/v1/certificates/{issued.Serial}?format=der");
        Assert.Equal(0x30, der[0]);
        using var pemRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/certificates/{issued.Serial}");
        pemRequest.Headers.Accept.ParseAdd("application/pem-certificate-chain");
        using var pem = await server.Client.SendAsync(pemRequest);
        Assert.Equal(3, Tools.SplitPem(await pem.Content.ReadAsStringAsync()).Count);
        var p7 = await server.Client.GetByteArrayAsync($"/api/v1/certificates/{issued.Serial}?format=p7b");
        var file = Path.Combine(issued.Directory, "c.p7b");
        await File.WriteAllBytesAsync(file, p7);
        Assert.Contains("CN = formats", (await Tools.OpenSslAsync("pkcs7", "-inform", "DER", "-in", file, "-print_certs", "-noout")).StdOut);
    }
}
