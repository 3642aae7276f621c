using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Castellan.IntegrationTests.Acme.BadInput;

/// <summary>base64url without padding (RFC 7515 §2).</summary>
public static class B64Url
{
    public static string Encode(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Encode(string text) => Encode(Encoding.UTF8.GetBytes(text));

    public static byte[] Decode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}

/// <summary>
/// A real ACME account on the server under test, made with the test's own client code (ES256), so that valid requests
/// exist to mutate: the directory, a registered account (kid), a pending order with its authorization and finalize URLs.
/// Signing is exposed piecewise so a mutation can change any part of a JWS and still sign the rest correctly.
/// </summary>
public sealed class AcmeSession : IDisposable
{
    public const string JoseJson = "application/jose+json";

    private AcmeSession(HttpClient http, JsonElement directory, ECDsa key)
    {
        Http = http;
        Directory = directory;
        Key = key;
        var p = key.ExportParameters(false);
        Jwk = new JsonObject { ["crv"] = "P-256", ["kty"] = "EC", ["x"] = B64Url.Encode(p.Q.X!), ["y"] = B64Url.Encode(p.Q.Y!) };
    }

    public HttpClient Http { get; }
    public JsonElement Directory { get; }
    public ECDsa Key { get; }
    public JsonObject Jwk { get; }
    public string Kid { get; private set; } = "";
    public string OrderUrl { get; private set; } = "";
    public string AuthorizationUrl { get; private set; } = "";
    public string FinalizeUrl { get; private set; } = "";

    public string Url(string resource) => Directory.GetProperty(resource).GetString()!;

    /// <summary>Creates an account and one pending order for <paramref name="identifier"/> on the server at <paramref name="directoryUrl"/>.</summary>
    public static async Task<AcmeSession> CreateAsync(string directoryUrl, string? tlsCaFile, string identifier)
    {
        var session = await OpenAsync(directoryUrl, tlsCaFile);
        using (var account = await session.PostAsync(session.Url("newAccount"), await session.Sign(session.Url("newAccount"), """{"termsOfServiceAgreed":true}""", useJwk: true)))
        {
            await EnsureAsync(account, "newAccount");
            session.Kid = account.Headers.Location!.ToString();
        }
        using var order = await session.PostAsync(session.Url("newOrder"),
            await session.Sign(session.Url("newOrder"), $$"""{"identifiers":[{"type":"dns","value":"{{identifier}}"}]}"""));
        await EnsureAsync(order, "newOrder");
        session.OrderUrl = order.Headers.Location!.ToString();
        var body = JsonDocument.Parse(await order.Content.ReadAsStringAsync()).RootElement;
        session.AuthorizationUrl = body.GetProperty("authorizations")[0].GetString()!;
        session.FinalizeUrl = body.GetProperty("finalize").GetString()!;
        return session;
    }

    /// <summary>A fresh key and the directory, with no account yet (for newAccount requests of the test's own).</summary>
    public static async Task<AcmeSession> OpenAsync(string directoryUrl, string? tlsCaFile)
    {
        var http = NewHttpClient(tlsCaFile);
        var directory = JsonDocument.Parse(await http.GetStringAsync(directoryUrl)).RootElement.Clone();
        return new AcmeSession(http, directory, ECDsa.Create(ECCurve.NamedCurves.nistP256));
    }

    public async Task<string> NonceAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, Url("newNonce"));
        using var response = await Http.SendAsync(request);
        return response.Headers.GetValues("Replay-Nonce").First();
    }

    /// <summary>The protected header a correct request to <paramref name="url"/> carries.</summary>
    public JsonObject Header(string url, string nonce, bool useJwk = false)
    {
        var h = new JsonObject { ["alg"] = "ES256", ["nonce"] = nonce, ["url"] = url };
        if (useJwk) h["jwk"] = Jwk.DeepClone();
        else h["kid"] = Kid;
        return h;
    }

    /// <summary>ES256 over "protected.payload" as given (already base64url).</summary>
    public string Signature(string protectedB64, string payloadB64) =>
        B64Url.Encode(Key.SignData(Encoding.ASCII.GetBytes(protectedB64 + "." + payloadB64), HashAlgorithmName.SHA256));

    public static byte[] Flattened(string protectedB64, string payloadB64, string signatureB64) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["protected"] = protectedB64, ["payload"] = payloadB64, ["signature"] = signatureB64 });

    /// <summary>A correct flattened JWS with a fresh nonce; <paramref name="payload"/> null is POST-as-GET.</summary>
    public async Task<byte[]> Sign(string url, string? payload, bool useJwk = false)
    {
        var p = B64Url.Encode(Header(url, await NonceAsync(), useJwk).ToJsonString());
        var pl = payload is null ? "" : B64Url.Encode(payload);
        return Flattened(p, pl, Signature(p, pl));
    }

    public async Task<HttpResponseMessage> PostAsync(string url, byte[] body, string contentType = JoseJson)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        // A server may answer an oversized body with 413 before reading it and close the connection (Kestrel does); a
        // client still writing then sees a broken pipe instead of the answer. Asking first (RFC 9110 §10.1.1) lets the
        // server's refusal arrive before the body is sent.
        if (body.Length > 64 * 1024) request.Headers.ExpectContinue = true;
        return await Http.SendAsync(request);
    }

    public void Dispose()
    {
        Http.Dispose();
        Key.Dispose();
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{what} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static HttpClient NewHttpClient(string? tlsCaFile)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false };
        if (tlsCaFile is not null)
        {
            var anchor = X509Certificate2.CreateFromPem(File.ReadAllText(tlsCaFile));
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                if (cert is null) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(anchor);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(cert));
            };
        }
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }
}
