using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Castellan.IntegrationTests.Acme.RealClients;

namespace Castellan.IntegrationTests.Acme.BadInput;

/// <summary>
/// Issue 4, "Bad input": each bad request gets the right ACME error type and changes nothing, and thousands of mutated
/// JWS messages within a bounded time get no 5xx. Written against any <see cref="AcmeTarget"/> (Castellan, or pebble
/// to prove the generator).
/// </summary>
public static class AcmeBadInputScenarios
{
    private const string Urn = "urn:ietf:params:acme:error:";

    /// <summary>A named bad request and the error types RFC 8555 allows for it (or the HTTP status it mandates).</summary>
    private sealed record NamedCase(string Name, Func<AcmeSession, Task<BadAcmeRequest>> Build, string[] Types, int? Status = null);

    private static readonly NamedCase[] Cases =
    [
        new("replayed nonce (§6.5)", async s =>
        {
            var body = await s.Sign(s.OrderUrl, null);
            using (var first = await s.PostAsync(s.OrderUrl, body)) Assert.True(first.IsSuccessStatusCode, "the original request must succeed");
            return new("replay", s.OrderUrl, body);
        }, ["badNonce"]),
        new("url in the JWS differs from the request URL (§6.4)", async s => new("wrong-url", s.OrderUrl, await s.Sign(s.AuthorizationUrl, null)), ["unauthorized", "malformed"]),
        new("unknown kid (§6.2)", async s =>
        {
            var h = s.Header(s.OrderUrl, await s.NonceAsync());
            h["kid"] = s.Kid + "0";
            var p = B64Url.Encode(h.ToJsonString());
            return new("unknown-kid", s.OrderUrl, AcmeSession.Flattened(p, "", s.Signature(p, "")));
        }, ["accountDoesNotExist", "unauthorized"]),
        new("bad signature", async s =>
        {
            var p = B64Url.Encode(s.Header(s.OrderUrl, await s.NonceAsync()).ToJsonString());
            var sig = B64Url.Decode(s.Signature(p, ""));
            sig[5] ^= 0x01;
            return new("bad-signature", s.OrderUrl, AcmeSession.Flattened(p, "", B64Url.Encode(sig)));
        }, ["malformed", "unauthorized"]),
        // §6.2 forbids "none" and MAC algorithms without naming the error type; Boulder says badSignatureAlgorithm, pebble malformed.
        new("alg none (§6.2)", async s =>
        {
            var h = s.Header(s.OrderUrl, await s.NonceAsync());
            h["alg"] = "none";
            return new("alg-none", s.OrderUrl, AcmeSession.Flattened(B64Url.Encode(h.ToJsonString()), "", ""));
        }, ["badSignatureAlgorithm", "malformed"]),
        new("alg PS256: a well-formed RSA-PSS JWS, an algorithm ACME servers need not support (§6.2)", async s =>
        {
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            var k = rsa.ExportParameters(false);
            var h = new System.Text.Json.Nodes.JsonObject
            {
                ["alg"] = "PS256", ["nonce"] = await s.NonceAsync(), ["url"] = s.Url("newAccount"),
                ["jwk"] = new System.Text.Json.Nodes.JsonObject { ["e"] = B64Url.Encode(k.Exponent), ["kty"] = "RSA", ["n"] = B64Url.Encode(k.Modulus) },
            };
            var p = B64Url.Encode(h.ToJsonString());
            var pl = B64Url.Encode("""{"termsOfServiceAgreed":true}""");
            var sig = rsa.SignData(Encoding.ASCII.GetBytes(p + "." + pl), System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pss);
            return new("alg-ps256", s.Url("newAccount"), AcmeSession.Flattened(p, pl, B64Url.Encode(sig)));
        }, ["badSignatureAlgorithm"]),
        new("alg HS256 (§6.2: MAC algorithms are forbidden)", async s =>
        {
            var h = s.Header(s.OrderUrl, await s.NonceAsync());
            h["alg"] = "HS256";
            var p = B64Url.Encode(h.ToJsonString());
            return new("alg-hs256", s.OrderUrl, AcmeSession.Flattened(p, "", B64Url.Encode(new byte[32])));
        }, ["badSignatureAlgorithm", "malformed"]),
        new("malformed JSON", _ => Task.FromResult(new BadAcmeRequest("json", "", Encoding.UTF8.GetBytes("{\"protected\":"))), ["malformed"]),
        new("malformed base64url", async s =>
        {
            var p = B64Url.Encode(s.Header(s.OrderUrl, await s.NonceAsync()).ToJsonString());
            return new("base64", s.OrderUrl, AcmeSession.Flattened(p + "!!", "", s.Signature(p, "")));
        }, ["malformed"]),
        new("finalize before the order is ready (§7.4)", async s =>
            new("finalize-early", s.FinalizeUrl, await s.Sign(s.FinalizeUrl, """{"csr":"MIIBDjCBtQIBADAAMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"}""")),
            ["orderNotReady", "badCSR", "malformed"]),
        new("unsupported identifier type (§7.4)", async s =>
            new("identifier", s.Url("newOrder"), await s.Sign(s.Url("newOrder"), """{"identifiers":[{"type":"email","value":"a@acme.test"}]}""")),
            ["unsupportedIdentifier", "rejectedIdentifier", "malformed"]),
        new("wrong Content-Type (§6.2: 415)", async s => new("content-type", s.OrderUrl, await s.Sign(s.OrderUrl, null), "application/json"), ["malformed"], 415),
        new("oversized body", async s =>
            new("oversized", s.Url("newOrder"), await s.Sign(s.Url("newOrder"), $$"""{"identifiers":[{"type":"dns","value":"{{new string('a', 3 * 1024 * 1024)}}.test"}]}""")),
            ["malformed", "rejectedIdentifier"], 413),
    ];

    public static async Task Each_named_bad_request_gets_its_error_type_and_changes_nothing(AcmeTarget target)
    {
        using var s = await AcmeSession.CreateAsync(target.Endpoint.DirectoryUrl, target.Endpoint.TlsCaFile, AcmeTarget.NewName("bad"));
        var orderBefore = await OrderStatusAsync(s);
        var wrong = new List<string>();
        foreach (var c in Cases)
        {
            var request = await c.Build(s);
            using var response = await s.PostAsync(request.Url.Length == 0 ? s.OrderUrl : request.Url, request.Body, request.ContentType);
            var status = (int)response.StatusCode;
            var type = ProblemType(await response.Content.ReadAsStringAsync());
            var typeOk = type is not null && (c.Types.Any(t => type == Urn + t) || target.KnownDeviations.GetValueOrDefault(request.Kind) is { } d && type == Urn + d);
            if (!(c.Status == status || (status is >= 400 and < 500 && typeOk)))
                wrong.Add($"{c.Name}: wanted {(c.Status is { } st ? $"{st} or " : "")}4xx with {string.Join("|", c.Types)}, got {status} {type ?? "(no problem type)"}");
        }
        Assert.True(wrong.Count == 0, $"{target.Name}:\n{string.Join("\n", wrong)}");
        Assert.Equal(orderBefore, await OrderStatusAsync(s));
    }

    public static async Task Thousands_of_mutated_JWS_messages_get_no_server_error(AcmeTarget target, int count = 3000, int parallel = 4)
    {
        var seed = Environment.TickCount;
        using var s = await AcmeSession.CreateAsync(target.Endpoint.DirectoryUrl, target.Endpoint.TlsCaFile, AcmeTarget.NewName("fz"));
        // A nonce the server has seen: Sign takes a fresh one and the request spends it.
        var spentHeader = s.Header(s.OrderUrl, await s.NonceAsync());
        var spent = spentHeader["nonce"]!.GetValue<string>();
        var p0 = B64Url.Encode(spentHeader.ToJsonString());
        using (var spend = await s.PostAsync(s.OrderUrl, AcmeSession.Flattened(p0, "", s.Signature(p0, ""))))
            Assert.True(spend.IsSuccessStatusCode, $"wanted the order readable, got {(int)spend.StatusCode}");
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<string, int>();
        var budget = TimeSpan.FromMinutes(3);
        using var cts = new CancellationTokenSource(budget);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cts.Token }, async (i, ct) =>
        {
            // Case i is replayable: new Random(seed + i) rebuilds the same mutation (with fresh nonces).
            var request = AcmeJwsMutations.Next(s, new Random(seed + i), await s.NonceAsync(), spent);
            using var response = await s.PostAsync(request.Url, request.Body, request.ContentType);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate($"{status}", 1, (_, n) => n + 1);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (status >= 500)
                failures.Enqueue($"case {seed + i}: {status} {text[..Math.Min(300, text.Length)]}\n  {request.Describe()}");
            else if (status >= 400 && status != 415 && status != 413 && ProblemType(text)?.StartsWith(Urn, StringComparison.Ordinal) != true)
                failures.Enqueue($"case {seed + i}: {status} without an ACME problem document: {text[..Math.Min(300, text.Length)]}\n  {request.Describe()}");
        });
        clock.Stop();

        var summary = string.Join(", ", statuses.OrderBy(x => x.Key).Select(x => $"{x.Key}: {x.Value}"));
        Assert.True(failures.IsEmpty, $"{target.Name}, seed {seed}; {failures.Count} bad answers ({summary}):\n{string.Join("\n", failures.Take(8))}");
        Assert.Equal(count, statuses.Values.Sum());
        Assert.True(clock.Elapsed < budget, $"{count} requests took {clock.Elapsed}");
        // The account still works after the storm.
        using var after = await s.PostAsync(s.OrderUrl, await s.Sign(s.OrderUrl, null));
        Assert.True(after.IsSuccessStatusCode, $"wanted the order readable after the mutations, got {(int)after.StatusCode}");
    }

    private static async Task<string> OrderStatusAsync(AcmeSession s)
    {
        using var response = await s.PostAsync(s.OrderUrl, await s.Sign(s.OrderUrl, null));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString()!;
    }

    private static string? ProblemType(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
