using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Castellan.IntegrationTests.Acme.BadInput;

/// <summary>One request to throw at an ACME server.</summary>
public sealed record BadAcmeRequest(string Kind, string Url, byte[] Body, string ContentType = AcmeSession.JoseJson)
{
    public string Describe() => $"{Kind} -> {Url}: {Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(300, Body.Length)))}";
}

/// <summary>
/// Generates bad ACME requests from a real <see cref="AcmeSession"/>: every mutation starts from a request the server would
/// accept (fresh nonce, right url, right key) and breaks one thing, re-signing when the point is to get past the
/// signature check to the parser behind it. Deterministic for a given <see cref="Random"/> seed. Reusable by any ACME
/// server test: it knows only RFC 8555, not Castellan.
/// </summary>
public static class AcmeJwsMutations
{
    public const int KindCount = 19;

    /// <summary>The correct requests mutations start from: the resources a client posts to, with their payloads.</summary>
    private static (string Url, bool UseJwk, string? Payload)[] Bases(AcmeSession s) =>
    [
        (s.Url("newAccount"), true, """{"termsOfServiceAgreed":true,"contact":["mailto:fuzz@example.test"]}"""),
        (s.Url("newOrder"), false, """{"identifiers":[{"type":"dns","value":"fuzz.acme.test"}]}"""),
        (s.AuthorizationUrl, false, null),
        (s.OrderUrl, false, null),
        (s.Kid, false, null),
        (s.FinalizeUrl, false, """{"csr":"MIIBDjCBtQIBADAAMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"}"""),
        (s.Url("revokeCert"), false, """{"certificate":"MIIBDjCBtQIBADAAMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE","reason":1}"""),
        // RFC 8555 §7.3.5: the payload is itself a JWS; this one is not, so no mutation can change the account's key.
        (s.Url("keyChange"), false, """{"protected":"e30","payload":"e30","signature":""}"""),
    ];

    /// <summary>A random bad request. <paramref name="freshNonce"/> is unused so far; <paramref name="usedNonce"/> was spent.</summary>
    public static BadAcmeRequest Next(AcmeSession s, Random r, string freshNonce, string usedNonce)
    {
        var bases = Bases(s);
        var (url, useJwk, payload) = bases[r.Next(bases.Length)];
        var header = s.Header(url, freshNonce, useJwk);
        var payloadB64 = payload is null ? "" : B64Url.Encode(payload);
        string P(JsonObject h) => B64Url.Encode(h.ToJsonString());
        BadAcmeRequest Signed(string kind, JsonObject h, string pl) { var p = P(h); return new(kind, url, AcmeSession.Flattened(p, pl, s.Signature(p, pl))); }
        BadAcmeRequest Unsigned(string kind, string p, string pl, string sig) => new(kind, url, AcmeSession.Flattened(p, pl, sig));

        switch (r.Next(KindCount))
        {
            case 0: return new("flip-protected-resigned", url, ResignedFlip(s, r, header, payloadB64, flipHeader: true));
            case 1:
            {
                var p = P(header);
                return Unsigned("flip-protected", B64Url.Encode(Flip(r, B64Url.Decode(p))), payloadB64, s.Signature(p, payloadB64));
            }
            case 2: return new("flip-payload-resigned", url, ResignedFlip(s, r, header, payloadB64.Length == 0 ? B64Url.Encode("{}") : payloadB64, flipHeader: false));
            case 3:
            {
                var p = P(header);
                var pl = payloadB64.Length == 0 ? B64Url.Encode("{}") : payloadB64;
                return Unsigned("flip-payload", p, B64Url.Encode(Flip(r, B64Url.Decode(pl))), s.Signature(p, pl));
            }
            case 4:
            {
                var p = P(header);
                return Unsigned("flip-signature", p, payloadB64, B64Url.Encode(Flip(r, B64Url.Decode(s.Signature(p, payloadB64)))));
            }
            case 5:
            {
                var valid = Signed("flip-body", header, payloadB64);
                return valid with { Body = Flip(r, valid.Body) };
            }
            case 6:
                header["url"] = bases[(Array.FindIndex(bases, b => b.Url == url) + 1 + r.Next(bases.Length - 1)) % bases.Length].Url + (r.Next(2) == 0 ? "" : "/x");
                return Signed("wrong-url", header, payloadB64);
            case 7:
                header["nonce"] = usedNonce;
                return Signed("replayed-nonce", header, payloadB64);
            case 8:
                header.Remove("jwk");
                header["kid"] = s.Kid + (r.Next(2) == 0 ? "0" : "-unknown");
                return Signed("unknown-kid", header, payloadB64);
            case 9:
                header["alg"] = "none";
                return Unsigned("alg-none", P(header), payloadB64, "");
            case 10:
            {
                header["alg"] = "HS256";
                var p = P(header);
                return Unsigned("alg-HS256", p, payloadB64, B64Url.Encode(HMACSHA256.HashData(RandomNumberGenerator.GetBytes(32), Encoding.ASCII.GetBytes(p + "." + payloadB64))));
            }
            case 11:
                header["alg"] = Pick(r, "RS256", "ES384", "ES512", "EdDSA", "PS256", "es256", "", "ES256 ");
                return Signed("alg-mismatch", header, payloadB64);
            case 12:
                header["jwk"] = s.Jwk.DeepClone();
                header["kid"] = s.Kid;
                return Signed("jwk-and-kid", header, payloadB64);
            case 13:
            {
                var size = r.Next(64 * 1024, 3 * 1024 * 1024);
                var big = r.Next(2) == 0
                    ? B64Url.Encode($$"""{"identifiers":[{"type":"dns","value":"{{new string('a', size)}}.test"}]}""")
                    : B64Url.Encode(new string('[', Math.Min(size, 200_000)) + new string(']', Math.Min(size, 200_000)));
                return Signed("oversized", header, big);
            }
            case 14: return new("structure", url, Structural(r, s, header, payloadB64));
            case 15:
            {
                var p = P(header);
                var sig = s.Signature(p, payloadB64);
                return r.Next(3) switch
                {
                    0 => Unsigned("base64-padding", p + "==", payloadB64, sig),
                    1 => Unsigned("base64-std-alphabet", p.Replace('-', '+').Replace('_', '/') + "+/", payloadB64, sig),
                    _ => Unsigned("base64-invalid", p[..(p.Length / 2)] + "!*." + p[(p.Length / 2)..], payloadB64 + "$", sig),
                };
            }
            case 16: return Signed("content-type", header, payloadB64) with { Kind = "content-type", ContentType = Pick(r, "application/json", "text/plain", "application/jose", "application/x-www-form-urlencoded") };
            case 17:
            {
                var node = JsonNode.Parse(payload ?? "{}")!;
                Swap(r, node);
                return Signed("payload-types", header, B64Url.Encode(node.ToJsonString()));
            }
            default:
                MutateHeaderFields(r, header);
                return Signed("header-fields", header, payloadB64);
        }
    }

    private static byte[] ResignedFlip(AcmeSession s, Random r, JsonObject header, string payloadB64, bool flipHeader)
    {
        var p = flipHeader ? B64Url.Encode(Flip(r, Encoding.UTF8.GetBytes(header.ToJsonString()))) : B64Url.Encode(header.ToJsonString());
        var pl = flipHeader ? payloadB64 : B64Url.Encode(Flip(r, B64Url.Decode(payloadB64)));
        return AcmeSession.Flattened(p, pl, s.Signature(p, pl));
    }

    private static byte[] Flip(Random r, byte[] data)
    {
        var copy = (byte[])data.Clone();
        if (copy.Length == 0) return [(byte)r.Next(256)];
        for (var i = r.Next(1, 4); i > 0; i--) copy[r.Next(copy.Length)] ^= (byte)(1 << r.Next(8));
        return copy;
    }

    private static byte[] Structural(Random r, AcmeSession s, JsonObject header, string payloadB64)
    {
        var p = B64Url.Encode(header.ToJsonString());
        var sig = s.Signature(p, payloadB64);
        var full = Encoding.UTF8.GetString(AcmeSession.Flattened(p, payloadB64, sig));
        var text = r.Next(12) switch
        {
            0 => "",
            1 => full[..r.Next(full.Length)],
            2 => "not json at all",
            3 => $$"""{"protected":"{{p}}","payload":"{{payloadB64}}"}""",
            4 => $$"""{"payload":"{{payloadB64}}","signature":"{{sig}}"}""",
            5 => $$"""{"protected":"{{p}}","signature":"{{sig}}"}""",
            6 => $$"""[{"protected":"{{p}}","payload":"{{payloadB64}}","signature":"{{sig}}"}]""",
            7 => $$"""{"protected":{{header.ToJsonString()}},"payload":"{{payloadB64}}","signature":"{{sig}}"}""",
            8 => $$"""{"protected":"{{p}}","payload":"{{payloadB64}}","signature":"{{sig}}","header":{"alg":"none"} }""",
            9 => $$"""{"protected":"{{p}}","payload":"{{payloadB64}}","signature":"{{sig}}","signatures":[{"protected":"{{p}}","signature":"{{sig}}"}]}""",
            10 => $$"""{"protected":"{{p}}","protected":"{{p}}","payload":"{{payloadB64}}","signature":"{{sig}}"}""",
            _ => $$"""{"protected":12,"payload":null,"signature":true}""",
        };
        return Encoding.UTF8.GetBytes(text);
    }

    private static void MutateHeaderFields(Random r, JsonObject header)
    {
        switch (r.Next(9))
        {
            case 0: header.Remove("nonce"); break;
            case 1: header.Remove("url"); break;
            case 2: header.Remove("alg"); break;
            case 3: header["kid"] = 12345; header.Remove("jwk"); break;
            case 4: header["nonce"] = Pick(r, "", "!!!", new string('n', 5000), "AAAA"); break;
            case 5: header["jwk"] = new JsonObject { ["kty"] = "EC", ["crv"] = "P-384", ["x"] = "AAAA", ["y"] = "AAAA" }; header.Remove("kid"); break;
            case 6: header["jwk"] = new JsonObject { ["kty"] = "RSA", ["n"] = "AQAB", ["e"] = "AQAB" }; header.Remove("kid"); break;
            case 7: header["jwk"] = new JsonObject { ["kty"] = "oct", ["k"] = "c2VjcmV0" }; header.Remove("kid"); break;
            default: header["crit"] = new JsonArray("b64"); header["b64"] = false; break;
        }
    }

    /// <summary>Replaces one value anywhere in the payload with a value of another type or an extreme one.</summary>
    private static void Swap(Random r, JsonNode root)
    {
        var holders = new List<(JsonNode Parent, object Key)>();
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (k, v) in o.ToList()) { holders.Add((o, k)); Walk(v); }
                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++) { holders.Add((a, i)); Walk(a[i]); }
                    break;
            }
        }
        Walk(root);
        JsonNode? Replacement() => r.Next(10) switch
        {
            0 => null,
            1 => JsonValue.Create(-1),
            2 => JsonValue.Create(1e308),
            3 => JsonValue.Create(""),
            4 => JsonValue.Create(new string('x', 70_000)),
            5 => new JsonArray(),
            6 => new JsonObject(),
            7 => JsonValue.Create(true),
            8 => JsonValue.Create("*.*.\u0000.\u202e.xn--"),
            _ => new JsonArray(new JsonObject { ["type"] = Pick(r, "ip", "email", "DNS", ""), ["value"] = Pick(r, "999.1.1.1", "::g", "a..b", "-x.test", "") }),
        };
        if (holders.Count == 0)
        {
            if (root is JsonObject o) o["identifiers"] = Replacement();
            return;
        }
        var (parent, key) = holders[r.Next(holders.Count)];
        if (parent is JsonObject obj) obj[(string)key] = Replacement();
        else if (parent is JsonArray arr) arr[(int)key] = Replacement();
    }

    private static T Pick<T>(Random r, params T[] choices) => choices[r.Next(choices.Length)];
}
