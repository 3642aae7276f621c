using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Castellan.Bench.Acme;

/// <summary>base64url without padding (RFC 7515 §2).</summary>
internal static class Base64Url
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
/// An ES256 ACME account key (RFC 8555 §6.2): the JWK goes in the protected header of newAccount, the account URL
/// ("kid") in every later request. The signature is the raw r||s of RFC 7518 §3.4, which is .NET's default ECDSA format.
/// </summary>
internal sealed class AccountKey : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public AccountKey()
    {
        var p = _key.ExportParameters(false);
        X = Base64Url.Encode(p.Q.X!);
        Y = Base64Url.Encode(p.Q.Y!);
        // RFC 7638 §3.2: the thumbprint hashes the required members in lexicographic order, no whitespace.
        Thumbprint = Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(JwkJson)));
    }

    public string X { get; }
    public string Y { get; }
    public string Thumbprint { get; }

    public string JwkJson => $$"""{"crv":"P-256","kty":"EC","x":"{{X}}","y":"{{Y}}"}""";

    /// <summary>RFC 8555 §8.1: token "." base64url(JWK thumbprint).</summary>
    public string KeyAuthorization(string token) => token + "." + Thumbprint;

    /// <summary>A flattened JWS (RFC 8555 §6.2). <paramref name="kid"/> null means "jwk" (newAccount, revokeCert by key);
    /// <paramref name="payload"/> null means POST-as-GET (empty payload, §6.3).</summary>
    public byte[] Sign(string url, string nonce, string? kid, string? payload)
    {
        var header = kid is null
            ? $$"""{"alg":"ES256","jwk":{{JwkJson}},"nonce":"{{nonce}}","url":"{{url}}"}"""
            : $$"""{"alg":"ES256","kid":"{{kid}}","nonce":"{{nonce}}","url":"{{url}}"}""";
        var protectedB64 = Base64Url.Encode(header);
        var payloadB64 = payload is null ? "" : Base64Url.Encode(payload);
        var signature = _key.SignData(Encoding.ASCII.GetBytes(protectedB64 + "." + payloadB64), HashAlgorithmName.SHA256);
        return JsonSerializer.SerializeToUtf8Bytes(new { @protected = protectedB64, payload = payloadB64, signature = Base64Url.Encode(signature) });
    }

    /// <summary>RFC 8555 §7.3.4: the external account binding, a JWS over the account JWK MACed with the EAB key (HS256).</summary>
    public string ExternalAccountBinding(string newAccountUrl, string eabKid, byte[] hmacKey)
    {
        var protectedB64 = Base64Url.Encode($$"""{"alg":"HS256","kid":"{{eabKid}}","url":"{{newAccountUrl}}"}""");
        var payloadB64 = Base64Url.Encode(JwkJson);
        var mac = HMACSHA256.HashData(hmacKey, Encoding.ASCII.GetBytes(protectedB64 + "." + payloadB64));
        return $$"""{"protected":"{{protectedB64}}","payload":"{{payloadB64}}","signature":"{{Base64Url.Encode(mac)}}"}""";
    }

    public void Dispose() => _key.Dispose();
}
