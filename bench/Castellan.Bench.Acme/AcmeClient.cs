using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Castellan.Bench.Acme;

/// <summary>The directory (RFC 8555 §7.1.1), read once per run.</summary>
internal sealed record AcmeDirectory(string NewNonce, string NewAccount, string NewOrder)
{
    public static async Task<AcmeDirectory> ReadAsync(HttpClient http, string url, CancellationToken ct)
    {
        using var response = await http.GetAsync(url, ct);
        if (!response.IsSuccessStatusCode) throw new AcmeException($"GET {url} answered {(int)response.StatusCode}");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var r = json.RootElement;
        return new AcmeDirectory(r.GetProperty("newNonce").GetString()!, r.GetProperty("newAccount").GetString()!, r.GetProperty("newOrder").GetString()!);
    }
}

internal sealed class AcmeException(string message) : Exception(message);

/// <summary>External account binding credentials (RFC 8555 §7.3.4), when the directory requires them.</summary>
internal sealed record EabCredentials(string KeyId, byte[] HmacKey);

/// <summary>How one order went: when each step ended, relative to its start, for the latency breakdown.</summary>
internal sealed record OrderTiming(double TotalMs, double AccountMs, double ChallengeMs, double FinalizeMs);

/// <summary>
/// One ACME client: a chain of nonces (each response's Replay-Nonce signs the next request, §7.2) and the whole
/// issuance of §7: newAccount, newOrder, authorizations, http-01, finalize with a CSR, certificate download.
/// Every downloaded certificate is checked to carry the CSR's key and the ordered identifier.
/// </summary>
internal sealed class AcmeClient(HttpClient http, AcmeDirectory directory, Http01Responder responder, PollPolicy poll, EabCredentials? eab)
{
    private const string JoseJson = "application/jose+json";
    private string? _nonce;

    public async Task<OrderTiming> CompleteOrderAsync(Identifier identifier, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        double Ms() => System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        using var account = new AccountKey();
        // 1. newAccount (§7.3), signed with the JWK; the Location is the kid of every later request.
        var accountPayload = eab is null
            ? """{"termsOfServiceAgreed":true}"""
            : $$"""{"termsOfServiceAgreed":true,"externalAccountBinding":{{account.ExternalAccountBinding(directory.NewAccount, eab.KeyId, eab.HmacKey)}}}""";
        var (created, _) = await PostAsync(account, null, directory.NewAccount, accountPayload, ct);
        var kid = created.Headers.Location?.ToString() ?? throw new AcmeException("newAccount: no Location");
        created.Dispose();
        var accountMs = Ms();

        // 2. newOrder (§7.4).
        var (orderResponse, order) = await PostAsync(account, kid, directory.NewOrder,
            $$"""{"identifiers":[{"type":"{{identifier.Type}}","value":"{{identifier.Value}}"}]}""", ct);
        var orderUrl = orderResponse.Headers.Location?.ToString() ?? throw new AcmeException("newOrder: no Location");
        orderResponse.Dispose();
        var finalizeUrl = order.GetProperty("finalize").GetString()!;

        // 3. Each authorization: answer http-01 (§8.3) and wait until the server has validated it.
        var tokens = new List<string>();
        try
        {
            foreach (var authzUrl in order.GetProperty("authorizations").EnumerateArray().Select(a => a.GetString()!))
            {
                var (r, authz) = await PostAsync(account, kid, authzUrl, null, ct);
                r.Dispose();
                if (authz.GetProperty("status").GetString() == "valid") continue;
                var challenge = authz.GetProperty("challenges").EnumerateArray().FirstOrDefault(c => c.GetProperty("type").GetString() == "http-01");
                if (challenge.ValueKind != JsonValueKind.Object) throw new AcmeException($"{identifier.Value}: no http-01 challenge offered");
                var token = challenge.GetProperty("token").GetString()!;
                responder.Add(token, account.KeyAuthorization(token));
                tokens.Add(token);
                var (cr, answered) = await PostAsync(account, kid, challenge.GetProperty("url").GetString()!, "{}", ct);
                var retryAfter = cr.Headers.RetryAfter;
                cr.Dispose();
                if (answered.GetProperty("status").GetString() != "valid")
                    await PollAsync(account, kid, authzUrl, "valid", ["pending", "processing"], retryAfter, ct);
            }
        }
        finally
        {
            foreach (var t in tokens) responder.Remove(t);
        }
        var challengeMs = Ms();

        // 4. finalize (§7.4) with a CSR for exactly the ordered identifier, then wait for "valid" and the certificate URL.
        using var certKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = Csr(identifier, certKey);
        var (fr, finalized) = await PostAsync(account, kid, finalizeUrl, $$"""{"csr":"{{Base64Url.Encode(csr)}}"}""", ct);
        var finalizeRetry = fr.Headers.RetryAfter;
        fr.Dispose();
        if (finalized.GetProperty("status").GetString() != "valid")
            finalized = await PollAsync(account, kid, orderUrl, "valid", ["ready", "processing"], finalizeRetry, ct);
        var certificateUrl = finalized.GetProperty("certificate").GetString()!;
        var finalizeMs = Ms();

        // 5. Download (§7.4.2): PEM chain, leaf first.
        var chain = await DownloadAsync(account, kid, certificateUrl, ct);
        Check(chain, identifier, certKey);
        return new OrderTiming(Ms(), accountMs, challengeMs - accountMs, finalizeMs - challengeMs);
    }

    private static byte[] Csr(Identifier identifier, ECDsa key)
    {
        var subject = identifier.Type == "dns" ? new X500DistinguishedName("CN=" + identifier.Value) : new X500DistinguishedName("");
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        if (identifier.Type == "ip") san.AddIpAddress(IPAddress.Parse(identifier.Value));
        else san.AddDnsName(identifier.Value);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSigningRequest();
    }

    private static void Check(string pem, Identifier identifier, ECDsa key)
    {
        using var leaf = X509Certificate2.CreateFromPem(pem);
        if (!leaf.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
            throw new AcmeException($"{identifier.Value}: the certificate does not carry the CSR's key");
        var names = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => identifier.Type == "ip"
            ? e.EnumerateIPAddresses().Select(a => a.ToString()) : e.EnumerateDnsNames());
        if (!names.Contains(identifier.Value, StringComparer.OrdinalIgnoreCase))
            throw new AcmeException($"{identifier.Value}: the certificate does not name the ordered identifier");
    }

    private async Task<JsonElement> PollAsync(AccountKey account, string kid, string url, string wanted, string[] waiting, RetryConditionHeaderValue? retryAfter, CancellationToken ct)
    {
        var attempt = 0;
        while (true)
        {
            await Task.Delay(poll.Delay(attempt++, retryAfter), ct);
            var (r, body) = await PostAsync(account, kid, url, null, ct);
            retryAfter = r.Headers.RetryAfter;
            r.Dispose();
            var status = body.GetProperty("status").GetString();
            if (status == wanted) return body;
            if (!waiting.Contains(status)) throw new AcmeException($"{url} became {status}: {body}");
        }
    }

    private async Task<string> DownloadAsync(AccountKey account, string kid, string url, CancellationToken ct)
    {
        using var response = await SendAsync(account, kid, url, null, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    private async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(AccountKey account, string? kid, string url, string? payload, CancellationToken ct)
    {
        var response = await SendAsync(account, kid, url, payload, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        using var json = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return (response, json.RootElement.Clone());
    }

    /// <summary>Signs and sends one request with the nonce the last response gave; a badNonce (§6.5) is retried once with
    /// the fresh nonce that error carries. Any other error status fails the order with the problem document.</summary>
    private async Task<HttpResponseMessage> SendAsync(AccountKey account, string? kid, string url, string? payload, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var nonce = _nonce ?? await NewNonceAsync(ct);
            _nonce = null;
            using var content = new ByteArrayContent(account.Sign(url, nonce, kid, payload));
            content.Headers.ContentType = new MediaTypeHeaderValue(JoseJson);
            var response = await http.PostAsync(url, content, ct);
            if (response.Headers.TryGetValues("Replay-Nonce", out var nonces)) _nonce = nonces.First();
            if (response.IsSuccessStatusCode) return response;
            var problem = await response.Content.ReadAsStringAsync(ct);
            var status = (int)response.StatusCode;
            response.Dispose();
            if (attempt == 0 && problem.Contains("urn:ietf:params:acme:error:badNonce", StringComparison.Ordinal)) continue;
            throw new AcmeException($"POST {url} answered {status}: {problem}");
        }
    }

    private async Task<string> NewNonceAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, directory.NewNonce);
        using var response = await http.SendAsync(request, ct);
        return response.Headers.TryGetValues("Replay-Nonce", out var v) ? v.First() : throw new AcmeException("newNonce gave no Replay-Nonce");
    }
}

/// <summary>An ACME identifier (RFC 8555 §9.7.7: "dns"; RFC 8738: "ip").</summary>
internal sealed record Identifier(string Type, string Value);

/// <summary>
/// When to ask again about a pending authorization or a processing order: the server's Retry-After (§7.4) when it gives
/// one, capped; otherwise a short doubling backoff, because both servers under test validate within milliseconds and a
/// fixed second would measure the sleep, not the server.
/// </summary>
internal sealed record PollPolicy(TimeSpan First, TimeSpan Max)
{
    public TimeSpan Delay(int attempt, RetryConditionHeaderValue? retryAfter)
    {
        if (retryAfter?.Delta is { } delta) return delta < Max ? delta : Max;
        var backoff = First * Math.Pow(2, Math.Min(attempt, 10));
        return backoff < Max ? backoff : Max;
    }
}
