using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Castellan.IntegrationTests.Acme;

/// <summary>
/// A small ACME client written for the tests (RFC 8555): real JWS with ECDSA P-256 or RSA-2048 account keys, nonces
/// from Replay-Nonce, kid after newAccount. It exposes raw requests too, so tests can break each part.
/// </summary>
public sealed class AcmeTestClient : IDisposable
{
    private readonly HttpClient _http;
    private string? _nonce;

    public AcmeTestClient(string directoryUrl, string alg = "ES256")
    {
        DirectoryUrl = directoryUrl;
        _http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        Key = AccountKey.New(alg);
    }

    public string DirectoryUrl { get; }
    public AccountKey Key { get; set; }
    public string? Kid { get; set; }
    public JsonElement Directory { get; private set; }

    public string Url(string name) => Directory.GetProperty(name).GetString()!;

    public async Task LoadDirectoryAsync()
    {
        using var r = await _http.GetAsync(DirectoryUrl);
        Directory = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();
        Remember(r);
    }

    public async Task<string> NonceAsync()
    {
        if (_nonce is { } n) { _nonce = null; return n; }
        using var r = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, Url("newNonce")));
        return r.Headers.GetValues("Replay-Nonce").First();
    }

    /// <summary>Signs and posts; payload null means POST-as-GET.</summary>
    public async Task<AcmeResponse> PostAsync(string url, object? payload, bool useJwk = false, AccountKey? key = null, string? nonce = null, string? signedUrl = null)
    {
        var body = Sign(url: signedUrl ?? url, payload is null ? "" : JsonSerializer.Serialize(payload), nonce ?? await NonceAsync(), key ?? Key, useJwk ? null : Kid);
        return await PostRawAsync(url, body);
    }

    public async Task<AcmeResponse> PostRawAsync(string url, string body, string contentType = "application/jose+json")
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var r = await _http.PostAsync(url, content);
        Remember(r);
        var text = await r.Content.ReadAsStringAsync();
        return new AcmeResponse((int)r.StatusCode, r.Content.Headers.ContentType?.MediaType, text, r.Headers.Location?.ToString(),
            r.Headers.TryGetValues("Link", out var links) ? links.ToList() : [], r.Headers.RetryAfter?.Delta, r.Headers.TryGetValues("Replay-Nonce", out var rn) ? rn.First() : null);
    }

    public static string Sign(string url, string payload, string? nonce, AccountKey key, string? kid, string? alg = null)
    {
        var header = new Dictionary<string, object> { ["alg"] = alg ?? key.Alg, ["url"] = url };
        if (nonce is not null) header["nonce"] = nonce;
        if (kid is null) header["jwk"] = JsonDocument.Parse(key.Jwk).RootElement;
        else header["kid"] = kid;
        var p = B64(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header)));
        var pl = B64(Encoding.UTF8.GetBytes(payload));
        var sig = key.Sign(Encoding.ASCII.GetBytes(p + "." + pl));
        return JsonSerializer.Serialize(new { @protected = p, payload = pl, signature = B64(sig) });
    }

    public static string B64(ReadOnlySpan<byte> b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async Task<AcmeResponse> NewAccountAsync(object? extra = null)
    {
        var payload = new Dictionary<string, object> { ["termsOfServiceAgreed"] = true, ["contact"] = new[] { "mailto:ops@example.com" } };
        if (extra is not null) foreach (var p in JsonSerializer.SerializeToElement(extra).EnumerateObject()) payload[p.Name] = p.Value;
        var r = await PostAsync(Url("newAccount"), payload, useJwk: true);
        if (r.Status is 200 or 201) Kid = r.Location;
        return r;
    }

    /// <summary>RFC 8555 §7.3.4 binding JWS: HS256 over this client's JWK.</summary>
    public string ExternalAccountBinding(string keyId, string hmacKeyB64Url)
    {
        var p = B64(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { alg = "HS256", kid = keyId, url = Url("newAccount") })));
        var pl = B64(Encoding.UTF8.GetBytes(Key.Jwk));
        var key = Convert.FromBase64String(hmacKeyB64Url.Replace('-', '+').Replace('_', '/') + new string('=', (4 - hmacKeyB64Url.Length % 4) % 4));
        var sig = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(p + "." + pl));
        return JsonSerializer.Serialize(new { @protected = p, payload = pl, signature = B64(sig) });
    }

    private void Remember(HttpResponseMessage r)
    {
        if (r.Headers.TryGetValues("Replay-Nonce", out var n)) _nonce = n.First();
    }

    public void Dispose() => _http.Dispose();
}

public sealed record AcmeResponse(int Status, string? ContentType, string Body, string? Location, IReadOnlyList<string> Links, TimeSpan? RetryAfter, string? Nonce)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public string? ProblemType => ContentType == "application/problem+json" ? Json.GetProperty("type").GetString() : null;

    public override string ToString() => $"{Status} {ContentType} {Body}";
}

/// <summary>An account key and its public JWK (RFC 7638 member order, so the thumbprint is SHA-256 of this text).</summary>
public sealed class AccountKey
{
    private AccountKey(string alg, string jwk, Func<byte[], byte[]> sign, AsymmetricAlgorithm key)
    {
        Alg = alg;
        Jwk = jwk;
        Sign = sign;
        Private = key;
    }

    public string Alg { get; }
    public string Jwk { get; }
    public Func<byte[], byte[]> Sign { get; }
    public AsymmetricAlgorithm Private { get; }
    public string Thumbprint => AcmeTestClient.B64(SHA256.HashData(Encoding.UTF8.GetBytes(Jwk)));

    public static AccountKey New(string alg = "ES256")
    {
        if (alg == "RS256")
        {
            var rsa = RSA.Create(2048);
            var p = rsa.ExportParameters(false);
            return new(alg, $"{{\"e\":\"{AcmeTestClient.B64(p.Exponent)}\",\"kty\":\"RSA\",\"n\":\"{AcmeTestClient.B64(p.Modulus)}\"}}",
                d => rsa.SignData(d, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), rsa);
        }
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return FromEc(ec);
    }

    public static AccountKey FromEc(ECDsa ec)
    {
        var q = ec.ExportParameters(false).Q;
        return new("ES256", $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{AcmeTestClient.B64(q.X)}\",\"y\":\"{AcmeTestClient.B64(q.Y)}\"}}",
            d => ec.SignData(d, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation), ec);
    }
}

/// <summary>The http-01 responder a subscriber runs (RFC 8555 §8.3), on the port the VA is configured to use.</summary>
public sealed class Http01Responder : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, string> _answers = new();

    public Http01Responder(int port)
    {
        _listener.Prefixes.Add($"http://*:{port}/"); // 127.0.0.2, 127.0.0.3 ... are loopback too
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public void Serve(string token, string keyAuthorization)
    {
        lock (_answers) _answers[token] = keyAuthorization;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            var token = ctx.Request.Url!.AbsolutePath.Replace("/.well-known/acme-challenge/", "", StringComparison.Ordinal);
            string? answer;
            lock (_answers) _answers.TryGetValue(token, out answer);
            ctx.Response.StatusCode = answer is null ? 404 : 200;
            if (answer is not null) await ctx.Response.OutputStream.WriteAsync(Encoding.ASCII.GetBytes(answer));
            ctx.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}

public static class Csrs
{
    /// <summary>A P-256 CSR for the names ("ip:" prefix for addresses), DER; the key is returned for revocation by certificate key.</summary>
    public static (byte[] Der, ECDsa Key) New(params string[] names)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var n in names)
        {
            if (n.StartsWith("ip:", StringComparison.Ordinal)) san.AddIpAddress(IPAddress.Parse(n[3..]));
            else san.AddDnsName(n);
        }
        var req = new CertificateRequest(new X500DistinguishedName(""), key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(san.Build());
        return (req.CreateSigningRequest(), key);
    }
}
