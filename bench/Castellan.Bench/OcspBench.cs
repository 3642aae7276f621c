using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;

namespace Castellan.Bench;

/// <summary>
/// OCSP throughput from the pre-signed cache: requests for many issued serials built before timing (SHA-1 CertID, no
/// nonce, as openssl and browsers send them), POST (RFC 6960 A.1) and GET (RFC 5019).
/// </summary>
internal static partial class OcspBench
{
    public sealed record Requests(IReadOnlyList<byte[]> Der, IReadOnlyList<string> Serials);

    public static Requests Build(string issuerPem, IReadOnlyCollection<string> serials)
    {
        using var issuer = X509Certificate2.CreateFromPem(issuerPem);
        // RFC 6960 4.1.1: CertID hashes are SHA-1 in the requests clients actually send; this is not a security use.
#pragma warning disable CA5350
        var nameHash = SHA1.HashData(issuer.SubjectName.RawData);
        var keyHash = SHA1.HashData(issuer.PublicKey.EncodedKeyValue.RawData);
#pragma warning restore CA5350
        var ders = new List<byte[]>(serials.Count);
        foreach (var serial in serials)
        {
            var id = new CertID(new AlgorithmIdentifier(new DerObjectIdentifier("1.3.14.3.2.26"), DerNull.Instance),
                new DerOctetString(nameHash), new DerOctetString(keyHash), new DerInteger(new Org.BouncyCastle.Math.BigInteger(serial, 16)));
            var generator = new OcspReqGenerator();
            generator.AddRequest(new CertificateID(id));
            ders.Add(generator.Generate().GetEncoded());
        }
        return new Requests(ders, [.. serials]);
    }

    public static HttpRequestMessage Get(string baseUrl, byte[] der) => new(HttpMethod.Get, baseUrl + GetPath(der));

    public static string GetPath(byte[] der) => "/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(der));

    public static HttpRequestMessage Post(string baseUrl, byte[] der)
    {
        var r = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/ocsp") { Content = new ByteArrayContent(der) };
        r.Content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
        return r;
    }

    /// <summary>
    /// Asks once for every serial and checks each answer is a successful response saying "good" for that serial;
    /// then asks again and checks the bytes are identical, which only a pre-signed (cached) response can be:
    /// a fresh ECDSA signature differs every time.
    /// </summary>
    public static async Task ValidateAsync(string baseUrl, Requests requests)
    {
        using var driver = new LoadDriver(16);
        var first = new byte[requests.Der.Count][];
        var bad = 0;
        string? why = null;
        for (var pass = 0; pass < 2; pass++)
        {
            var p = pass;
            var result = await driver.RunAsync(0, requests.Der.Count, TimeSpan.FromMinutes(2), i =>
            {
                var r = Get(baseUrl, requests.Der[i]);
                r.Options.Set(IndexKey, i);
                return r;
            }, (response, body) =>
            {
                var i = response.RequestMessage!.Options.TryGetValue(IndexKey, out var x) ? x : -1;
                if (response.StatusCode != HttpStatusCode.OK) return false;
                if (p == 0)
                {
                    var problem = Check(body, requests.Serials[i]);
                    if (problem is not null)
                    {
                        Interlocked.Increment(ref bad);
                        Interlocked.CompareExchange(ref why, problem, null);
                        return false;
                    }
                    first[i] = body;
                    return true;
                }
                if (first[i] is null || !first[i].AsSpan().SequenceEqual(body))
                {
                    Interlocked.CompareExchange(ref why, $"serial {requests.Serials[i]} got a different response the second time: not served from the cache", null);
                    return false;
                }
                return true;
            });
            if (result.Failures > 0 || result.Requests != requests.Der.Count)
                throw new InvalidOperationException($"OCSP validation pass {pass + 1}: {result.Failures} failures of {result.Requests}; {why ?? result.FirstFailure}");
        }
    }

    private static string? Check(byte[] body, string serialHex)
    {
        var response = new OcspResp(body);
        if (response.Status != OcspRespStatus.Successful) return $"OCSP status {response.Status} for {serialHex}";
        var basic = (BasicOcspResp)response.GetResponseObject();
        var single = basic.Responses.Single();
        if (!single.GetCertID().SerialNumber.Equals(new Org.BouncyCastle.Math.BigInteger(serialHex, 16))) return $"wrong serial in the answer for {serialHex}";
        return single.GetCertStatus() is null ? null : $"{serialHex} is not 'good'";
    }

    private static readonly HttpRequestOptionsKey<int> IndexKey = new("ocsp-index");

    /// <summary>A wrk Lua script that cycles through the pre-built requests (one Lua state per wrk thread).</summary>
    public static string WrkScript(Requests requests, bool post)
    {
        var sb = new StringBuilder();
        sb.AppendLine("local items = {");
        foreach (var der in requests.Der)
        {
            if (post)
            {
                sb.Append('"');
                foreach (var b in der) sb.Append('\\').Append(b.ToString("000", CultureInfo.InvariantCulture));
                sb.AppendLine("\",");
            }
            else
            {
                sb.Append('"').Append(GetPath(der)).AppendLine("\",");
            }
        }
        sb.AppendLine("}");
        sb.AppendLine("local n = #items");
        sb.AppendLine("local i = 0");
        sb.AppendLine("function init(args) i = math.random(n) end");
        sb.AppendLine(post
            ? "local h = { [\"Content-Type\"] = \"application/ocsp-request\" }\nrequest = function() i = i % n + 1; return wrk.format(\"POST\", \"/ocsp\", h, items[i]) end"
            : "request = function() i = i % n + 1; return wrk.format(\"GET\", items[i]) end");
        return sb.ToString();
    }

    public sealed record WrkResult(double PerSecond, double P50Ms, double P99Ms, long Requests, long Non2xx);

    /// <summary><c>wrk -t2 -c64 -d{seconds}s --latency -s script URL</c>; its summary is parsed, non-2xx answers counted.</summary>
    public static async Task<WrkResult> WrkAsync(string baseUrl, string scriptPath, int seconds, int connections, int threads)
    {
        var (code, output) = await Processes.RunAsync("wrk",
            ["-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency", "-s", scriptPath, baseUrl], TimeSpan.FromSeconds(seconds + 60));
        if (code != 0) throw new InvalidOperationException("wrk failed: " + output);
        double Latency(string pct)
        {
            var m = Regex.Match(output, $@"^\s*{pct}%\s+([0-9.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
            if (!m.Success) throw new InvalidOperationException("no latency line in wrk output: " + output);
            var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return m.Groups[2].Value switch { "us" => v / 1000, "ms" => v, _ => v * 1000 };
        }
        var rps = RequestsPerSecond().Match(output);
        var total = TotalRequests().Match(output);
        var non2xx = Non2xx().Match(output);
        if (!rps.Success || !total.Success) throw new InvalidOperationException("could not read wrk's summary: " + output);
        return new WrkResult(double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture), Latency("50"), Latency("99"),
            long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture), non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex TotalRequests();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();
}
