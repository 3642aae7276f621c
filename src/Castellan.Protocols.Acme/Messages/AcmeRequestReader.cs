using System.Text;
using System.Text.Json;
using Castellan.Protocols.Acme.Contracts;
using Castellan.Protocols.Acme.Directory;
using Castellan.Protocols.Acme.Jws;
using Castellan.Protocols.Acme.Nonces;
using Castellan.Protocols.Acme.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Castellan.Protocols.Acme.Messages;

/// <summary>Which key a request must be signed with (RFC 8555 §6.2): "jwk" only for newAccount and revokeCert by certificate key.</summary>
internal enum KeyMode { Kid, Jwk, Either }

/// <summary>A request whose JWS verified: the account (kid requests), the signing key, and the payload.</summary>
internal sealed class AcmeRequest
{
    public required Jwk Key { get; init; }
    public AcmeAccount? Account { get; init; }
    public required string Url { get; init; }

    /// <summary>RFC 8555 §6.3 POST-as-GET: the payload is the empty string.</summary>
    public bool PostAsGet => PayloadBytes.Length == 0;

    public required byte[] PayloadBytes { get; init; }
    public JsonElement Payload { get; init; }

    /// <summary>The raw flattened JWS of the payload, for keyChange's inner JWS and EAB.</summary>
    public JsonElement PayloadObject => Payload;
}

/// <summary>
/// RFC 8555 §6.2-6.5: reads a flattened JWS JSON body and checks, in this order, the media type, the size, the
/// structure, the protected header (alg, url, jwk xor kid), the key, the signature and only then the nonce, so a
/// forged message burns no nonce. Every refusal is a value mapped by <see cref="AcmeProblems"/>.
/// </summary>
internal sealed class AcmeRequestReader(NonceStore nonces, AccountCache accounts, AcmeUrls urls, IOptions<AcmeOptions> options)
{
    public async Task<Result<AcmeRequest>> ReadAsync(HttpContext http, AcmeDirectory dir, KeyMode mode)
    {
        var contentType = http.Request.ContentType;
        if (contentType is null || !contentType.StartsWith("application/jose+json", StringComparison.OrdinalIgnoreCase))
            return new BadContentType("ACME requests are POSTs of application/jose+json");
        var body = await ReadBodyAsync(http, options.Value.MaxBodyBytes);
        if (body is null) return new TooLarge($"the request body exceeds {options.Value.MaxBodyBytes} bytes");
        var jws = FlattenedJws.Parse(body);
        if (jws.IsError) return jws.Error;
        var m = jws.Value;

        var url = urls.RequestUrl(http.Request);
        if (m.Url != url) return new Unauthorized($"the JWS url '{m.Url}' is not the request URL '{url}'");

        Jwk key;
        AcmeAccount? account = null;
        if (m.Jwk is { } jwk)
        {
            if (mode == KeyMode.Kid) return new MalformedInput("this resource requires a 'kid' (the account URL), not a 'jwk'");
            key = jwk;
        }
        else
        {
            if (mode == KeyMode.Jwk) return new MalformedInput("this resource requires a 'jwk', not a 'kid'");
            var prefix = urls.Resource(dir.Name, "acct/");
            if (!m.Kid!.StartsWith(prefix, StringComparison.Ordinal) || m.Kid.Length == prefix.Length)
                return new AccountDoesNotExist("the 'kid' is not an account URL of this directory");
            var found = await accounts.GetAsync(m.Kid[prefix.Length..], http.RequestAborted);
            if (found is null || found.Value.Account.Directory != dir.Name) return new AccountDoesNotExist("no account with this 'kid'");
            (account, key) = found.Value;
        }

        if (!key.Fits(m.Alg)) return new BadSignatureAlgorithm($"'{m.Alg}' does not fit a {key.Kty} {key.Crv} key");
        if (!key.Verify(m.Alg, m.SigningInput, m.Signature)) return new MalformedInput("the JWS signature does not verify");
        if (!await nonces.RedeemAsync(m.Nonce, http.RequestAborted)) return new BadNonce("the nonce is unknown, expired or already used; retry with the Replay-Nonce of this response");
        if (account is not null && account.Status != AcmeStatus.Valid) return new Unauthorized($"the account is {account.Status}");

        return new AcmeRequest { Key = key, Account = account, Url = url, PayloadBytes = m.Payload, Payload = m.PayloadJson };
    }

    /// <summary>Null when the body is larger than <paramref name="max"/>; read without trusting Content-Length.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext http, int max)
    {
        if (http.Request.ContentLength > max) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + n > max) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}

/// <summary>A parsed flattened JWS (RFC 7515 §7.2.2) with the ACME protected header members (RFC 8555 §6.2).</summary>
internal sealed record FlattenedJws(string Alg, string? Nonce, string Url, Jwk? Jwk, string? Kid, byte[] Payload, JsonElement PayloadJson, byte[] SigningInput, byte[] Signature)
{
    public static Result<FlattenedJws> Parse(byte[] body, bool requireNonce = true)
    {
        // Invalid UTF-8 inside a JSON string would only surface later, as an exception from GetString().
        if (!System.Text.Unicode.Utf8.IsValid(body)) return new MalformedInput("the body is not UTF-8");
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new MalformedInput("the body is not JSON");
        }
        return Parse(root, requireNonce);
    }

    public static Result<FlattenedJws> Parse(JsonElement root, bool requireNonce)
    {
        if (root.ValueKind != JsonValueKind.Object) return new MalformedInput("the body is not a flattened JWS object");
        if (root.TryGetProperty("signatures", out _)) return new MalformedInput("only the flattened JWS JSON serialization is accepted");
        if (root.TryGetProperty("header", out _)) return new MalformedInput("the JWS must not have an unprotected header");
        if (!Str(root, "protected", out var protectedB64) || !Str(root, "payload", out var payloadB64) || !Str(root, "signature", out var signatureB64))
            return new MalformedInput("the JWS needs 'protected', 'payload' and 'signature' strings");
        if (!Base64Url.TryDecode(protectedB64, out var protectedBytes) || !Base64Url.TryDecode(payloadB64, out var payload) || !Base64Url.TryDecode(signatureB64, out var signature))
            return new MalformedInput("a JWS member is not base64url");
        if (!System.Text.Unicode.Utf8.IsValid(protectedBytes) || !System.Text.Unicode.Utf8.IsValid(payload))
            return new MalformedInput("the protected header and payload must be UTF-8 JSON");

        JsonElement header;
        try
        {
            using var doc = JsonDocument.Parse(protectedBytes, new JsonDocumentOptions { MaxDepth = 8 });
            header = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new MalformedInput("the protected header is not JSON");
        }
        if (header.ValueKind != JsonValueKind.Object) return new MalformedInput("the protected header is not a JSON object");
        if (!Str(header, "alg", out var alg)) return new MalformedInput("the protected header has no 'alg'");
        if (!AcmeProblems.Algorithms.Contains(alg)) return new BadSignatureAlgorithm($"'{alg}' is not accepted");
        if (header.TryGetProperty("crit", out _) || header.TryGetProperty("b64", out _)) return new MalformedInput("'crit' and 'b64' are not supported");
        string? nonce = null;
        if (requireNonce && !Str(header, "nonce", out nonce)) return new BadNonce("the protected header has no 'nonce'");
        if (!Str(header, "url", out var url)) return new MalformedInput("the protected header has no 'url'");
        var hasJwk = header.TryGetProperty("jwk", out var jwkElement);
        var hasKid = Str(header, "kid", out var kid);
        if (hasJwk == hasKid) return new MalformedInput("the protected header needs exactly one of 'jwk' and 'kid'");
        Jwk? jwk = null;
        if (hasJwk && (jwk = Jwk.Parse(jwkElement)) is null) return new BadPublicKey("the 'jwk' is not a supported public key (EC P-256/P-384, RSA 2048-8192, Ed25519)");

        JsonElement payloadJson = default;
        if (payload.Length > 0)
        {
            try
            {
                using var doc = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 16 });
                payloadJson = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                return new MalformedInput("the payload is not JSON");
            }
            if (payloadJson.ValueKind != JsonValueKind.Object) return new MalformedInput("the payload is not a JSON object");
        }
        var signingInput = Encoding.ASCII.GetBytes(protectedB64 + "." + payloadB64);
        return new FlattenedJws(alg, nonce, url, jwk, hasKid ? kid : null, payload, payloadJson, signingInput, signature);
    }

    private static bool Str(JsonElement e, string name, out string value)
    {
        value = "";
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String) return false;
        value = v.GetString()!;
        return true;
    }
}
