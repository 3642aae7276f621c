using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.Security;

/// <summary>One HTTP exchange as the client saw it; bodies are kept as text and, for binary ones, as Latin-1.</summary>
public sealed record Exchange(string Method, string Path, int Status, string Body);

/// <summary>
/// Drives a server with captured logs through every privileged action (server-side key generation, issuance,
/// revocation, hold and release, CRL and OCSP, CA creation, external CA, rotation, profile creation) and keeps
/// every response. The tests then search logs and responses for secrets.
/// </summary>
public sealed class SecretsFixture : IAsyncLifetime
{
    public const string SuppliedPkcs12Password = "Supplied-pkcs12-Passw0rd-7f3e";
    public const string WrongApiKey = "cstl_not-the-key-but-looks-like-one-0000";

    public LogCapturingServer Server { get; } = new();
    public ConcurrentQueue<Exchange> Exchanges { get; } = new();

    /// <summary>The single response that may carry key material: the PKCS#12 of a server-generated key.</summary>
    public Exchange Pkcs12Response { get; private set; } = null!;

    public Exchange SuppliedPasswordPkcs12Response { get; private set; } = null!;
    public string GeneratedPkcs12Password { get; private set; } = "";
    public string Pkcs12Base64 { get; private set; } = "";

    /// <summary>The generated subscriber private key, as the hex of its scalar and as unencrypted PKCS#8 base64.</summary>
    public string[] PrivateKeyForms { get; private set; } = [];

    public string KeystoreSecret { get; private set; } = "";
    public string IssuedSerial { get; private set; } = "";
    public string GeneratedKeySerial { get; private set; } = "";
    public string Actor { get; private set; } = "";

    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        _client = new HttpClient(new Recorder(Exchanges) { InnerHandler = new HttpClientHandler() }) { BaseAddress = new Uri(Server.BaseUrl) };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CastellanServer.AdminKey);
        KeystoreSecret = (await File.ReadAllTextAsync(Path.Combine(Server.DataDirectory, "keystore.secret"))).Trim();

        // Server-side key generation, once with a generated and once with a supplied PKCS#12 password.
        var generated = await PostAsync("/api/v1/certificates", new { profile = "tls-client", subject = "CN=device-1,O=Example", keyAlgorithm = "ec-p256" });
        Pkcs12Response = Exchanges.Last();
        GeneratedPkcs12Password = generated.GetProperty("pkcs12Password").GetString()!;
        Pkcs12Base64 = generated.GetProperty("pkcs12").GetString()!;
        GeneratedKeySerial = generated.GetProperty("serialNumber").GetString()!;
        using (var p12 = X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(Pkcs12Base64), GeneratedPkcs12Password, X509KeyStorageFlags.Exportable))
        using (var key = p12.GetECDsaPrivateKey()!)
        {
            var d = key.ExportParameters(true).D!;
            PrivateKeyForms = [Convert.ToHexStringLower(d), Convert.ToHexString(d), Convert.ToBase64String(d), Convert.ToBase64String(key.ExportPkcs8PrivateKey())];
        }
        await PostAsync("/api/v1/certificates", new { profile = "mtls", sans = new[] { "svc.example.com" }, keyAlgorithm = "rsa-2048", pkcs12Password = SuppliedPkcs12Password });
        SuppliedPasswordPkcs12Response = Exchanges.Last();

        // Issuance from a CSR, revocation (which publishes a CRL), hold and release.
        var dir = TestPaths.NewDirectory("secrets");
        var csr = await File.ReadAllTextAsync(await Tools.NewCsrAsync(dir, "ec:P-256", "/CN=www.example.com", "DNS:www.example.com"));
        IssuedSerial = (await PostAsync("/api/v1/certificates", new { profile = "tls-server", csr })).GetProperty("serialNumber").GetString()!;
        await PostAsync($"/api/v1/certificates/{IssuedSerial}/revoke", new { reason = "keyCompromise" });
        await PostAsync($"/api/v1/certificates/{GeneratedKeySerial}/revoke", new { reason = "certificateHold" });
        await PostAsync($"/api/v1/certificates/{GeneratedKeySerial}/release", null);

        // CAs: an intermediate, an external one (CSR), a rotation; and an operator profile.
        await PostAsync("/api/v1/cas", new { id = "sec-sub", subject = "CN=Security Sub CA", parent = "root", pathLength = 0 });
        await PostAsync("/api/v1/cas", new { id = "sec-ext", subject = "CN=Security External CA", external = true });
        await GetAsync("/api/v1/cas/sec-ext/csr");
        await PostAsync("/api/v1/cas/sec-sub/rotate", new { newId = "sec-sub-2" });
        await PostAsync("/api/v1/profiles", new { id = "sec-profile", name = "Security", maxValidityDays = 30, keyUsage = "DigitalSignature", allowedSanTypes = new[] { "Dns" } });

        // Reads, publication, and failures that carry secrets in the request (a wrong key, a bad body).
        foreach (var path in new[] { "/api/v1/certificates", $"/api/v1/certificates/{IssuedSerial}", $"/api/v1/certificates/{IssuedSerial}?format=pem",
                     "/api/v1/cas", "/api/v1/cas/issuing-1", "/api/v1/cas/issuing-1/chain", "/api/v1/profiles", "/api/v1/audit?pageSize=500", "/api/v1/audit/verify",
                     "/crl/issuing-1.crl", "/crl/sec-sub.crl", "/ca/issuing-1.cer" })
            await GetAsync(path);
        var issuer = Path.Combine(dir, "issuer.pem");
        await File.WriteAllTextAsync(issuer, Tools.SplitPem(await _client.GetStringAsync("/api/v1/cas/issuing-1/chain"))[0]);
        var leaf = Path.Combine(dir, "leaf.pem");
        await File.WriteAllTextAsync(leaf, await _client.GetStringAsync($"/api/v1/certificates/{IssuedSerial}?format=pem"));
        await Tools.OpenSslAsync("ocsp", "-issuer", issuer, "-cert", leaf, "-url", $"{Server.BaseUrl}/ocsp", "-noverify", "-nonce");

        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/v1/certificates"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", WrongApiKey);
            (await _client.SendAsync(wrong)).Dispose();
        }
        using (var bad = new StringContent("{\"profile\":\"tls-client\",\"pkcs12Password\":\"" + SuppliedPkcs12Password + "\",", Encoding.UTF8, "application/json"))
            (await _client.PostAsync("/api/v1/certificates", bad)).Dispose();

        Actor = (await GetAsync("/api/v1/audit?action=apikey.created")).EnumerateArray().First().GetProperty("target").GetString()!;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await Server.DisposeAsync();
    }

    private async Task<JsonElement> PostAsync(string path, object? body)
    {
        using var response = body is null ? await _client.PostAsync(path, null) : await _client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await _client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        return response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true ? JsonDocument.Parse(text).RootElement.Clone() : default;
    }

    /// <summary>Keeps a copy of every response body the client receives.</summary>
    private sealed class Recorder(ConcurrentQueue<Exchange> exchanges) : DelegatingHandler
    {
        private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            var media = response.Content.Headers.ContentType?.MediaType ?? "";
            var text = media.Contains("json", StringComparison.Ordinal) || media.StartsWith("text/", StringComparison.Ordinal) || media.Contains("pem", StringComparison.Ordinal)
                || media == "application/pkcs10"
                ? Encoding.UTF8.GetString(bytes)
                : Encoding.Latin1.GetString(bytes);
            if (media.Contains("json", StringComparison.Ordinal) && text.Length > 0)
            {
                // Re-serialised without escaping '+' and the like, so a leaked base64 secret is found as written.
                using var doc = JsonDocument.Parse(text);
                text = JsonSerializer.Serialize(doc.RootElement, Relaxed);
            }
            exchanges.Enqueue(new Exchange(request.Method.Method, request.RequestUri!.PathAndQuery, (int)response.StatusCode, text));
            var copy = new ByteArrayContent(bytes);
            foreach (var h in response.Content.Headers) copy.Headers.TryAddWithoutValidation(h.Key, h.Value);
            response.Content = copy;
            return response;
        }
    }
}
