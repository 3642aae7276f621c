using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Castellan.Bench;

/// <summary>A CA under an issuance load: how to start it, how to ask it for one certificate, how to read the answer.</summary>
internal interface IIssuanceTarget : IAsyncDisposable
{
    string Name { get; }
    TimeSpan CpuTime { get; }
    HttpRequestMessage Sign(string csrPem);

    /// <summary>The certificate's DER when the response is a successful issuance, else null.</summary>
    byte[]? Certificate(HttpResponseMessage response, byte[] body);
}

/// <summary>Castellan's own server (src/Castellan.Server) as a separate process with its own data directory.</summary>
internal sealed class CastellanTarget : IIssuanceTarget
{
    private readonly ServerProcess _server;
    private readonly string _apiKey;

    private CastellanTarget(string name, ServerProcess server, string apiKey)
    {
        Name = name;
        _server = server;
        _apiKey = apiKey;
    }

    public string Name { get; }
    public TimeSpan CpuTime => _server.CpuTime;
    public string BaseUrl => _server.BaseUrl;
    public ConcurrentBag<string> Serials { get; } = [];
    public string? IssuerPem { get; private set; }

    public static async Task<CastellanTarget> StartAsync(string name, string serverDll, string workRoot, IReadOnlyList<string> storageArgs)
    {
        var data = Processes.NewDirectory(workRoot, name);
        var port = Processes.FreePort();
        var url = $"http://127.0.0.1:{port}";
        // A throwaway administrator key for this run only; it never leaves this process and the server stores only its hash.
        var key = "cstl_bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var args = new List<string>
        {
            serverDll, "--urls", url, "--data", data, "--Castellan:Bootstrap:AdminApiKey", key, "--Logging:LogLevel:Default", "Warning",
        };
        args.AddRange(storageArgs);
        var server = await ServerProcess.StartAsync("dotnet", args, url, "/health", Path.Combine(data, "server.log"));
        return new CastellanTarget(name, server, key);
    }

    /// <summary>A request to this server with the run's administrator key (the orders benchmark drives other endpoints).</summary>
    public HttpRequestMessage Request(HttpMethod method, string path, object body)
    {
        var request = new HttpRequestMessage(method, BaseUrl + path) { Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        return request;
    }

    public HttpRequestMessage Sign(string csrPem)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { profile = "tls-server", csr = csrPem });
        var request = new HttpRequestMessage(HttpMethod.Post, BaseUrl + "/api/v1/certificates") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        return request;
    }

    public byte[]? Certificate(HttpResponseMessage response, byte[] body)
    {
        if (response.StatusCode != HttpStatusCode.Created) return null;
        using var json = JsonDocument.Parse(body);
        Serials.Add(json.RootElement.GetProperty("serialNumber").GetString()!);
        if (IssuerPem is null) IssuerPem = json.RootElement.GetProperty("chainPem").GetString();
        return PemToDer(json.RootElement.GetProperty("certificatePem").GetString()!);
    }

    internal static byte[] PemToDer(string pem) => X509Certificate2.CreateFromPem(pem).RawData;

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>
/// Debian's golang-cfssl (CloudFlare cfssl 1.2) <c>cfssl serve</c> with a P-256 CA made by openssl; its
/// /api/v1/cfssl/sign endpoint signs a CSR and stores nothing.
/// </summary>
internal sealed class CfsslTarget : IIssuanceTarget
{
    private readonly ServerProcess _server;

    private CfsslTarget(ServerProcess server) => _server = server;

    public string Name => "cfssl 1.2 serve";
    public TimeSpan CpuTime => _server.CpuTime;

    public static async Task<CfsslTarget> StartAsync(string workRoot)
    {
        var dir = Processes.NewDirectory(workRoot, "cfssl");
        var (code, output) = await Processes.RunAsync("openssl",
        [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem",
            "-subj", "/CN=cfssl bench CA", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ], TimeSpan.FromSeconds(30), dir);
        if (code != 0) throw new InvalidOperationException("openssl could not make the cfssl CA: " + output);
        await File.WriteAllTextAsync(Path.Combine(dir, "config.json"),
            """{"signing":{"default":{"expiry":"2160h","usages":["digital signature","server auth"]}}}""");
        var port = Processes.FreePort();
        var server = await ServerProcess.StartAsync("cfssl",
            ["serve", "-address", "127.0.0.1", "-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "-ca", Path.Combine(dir, "ca.pem"), "-ca-key", Path.Combine(dir, "ca-key.pem"), "-config", Path.Combine(dir, "config.json")],
            $"http://127.0.0.1:{port}", "/api/v1/cfssl/scaninfo", Path.Combine(dir, "cfssl.log"));
        return new CfsslTarget(server);
    }

    public HttpRequestMessage Sign(string csrPem)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["certificate_request"] = csrPem });
        var request = new HttpRequestMessage(HttpMethod.Post, _server.BaseUrl + "/api/v1/cfssl/sign") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return request;
    }

    public byte[]? Certificate(HttpResponseMessage response, byte[] body)
    {
        if (response.StatusCode != HttpStatusCode.OK) return null;
        using var json = JsonDocument.Parse(body);
        if (!json.RootElement.GetProperty("success").GetBoolean()) return null;
        return CastellanTarget.PemToDer(json.RootElement.GetProperty("result").GetProperty("certificate").GetString()!);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

internal static class IssuanceBench
{
    /// <summary>
    /// Warms the target with <paramref name="warmup"/> requests, then times <paramref name="count"/> more. Every answer
    /// must be a certificate; a sample of them must carry the public key of the CSR that asked for it.
    /// </summary>
    public static async Task<IReadOnlyList<LoadResult>> RunAsync(IIssuanceTarget target, IReadOnlyList<string> csrs, IReadOnlyList<int> clientCounts, int warmup, int count, TimeSpan limit)
    {
        var checkedKeys = 0;
        bool Accept(int index, HttpResponseMessage response, byte[] body)
        {
            var der = target.Certificate(response, body);
            if (der is null) return false;
            if (index % 97 != 0) return true;
            using var cert = X509CertificateLoader.LoadCertificate(der);
            var same = cert.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(Csrs.PublicKeyOf(csrs[index]));
            if (same) Interlocked.Increment(ref checkedKeys);
            return same;
        }
        HttpRequestMessage Make(int i)
        {
            var r = target.Sign(csrs[i]);
            r.Options.Set(IndexKey, i);
            return r;
        }
        bool AcceptResponse(HttpResponseMessage response, byte[] body) =>
            Accept(response.RequestMessage!.Options.TryGetValue(IndexKey, out var i) ? i : -1, response, body);

        var results = new List<LoadResult>();
        foreach (var clients in clientCounts)
        {
            // The same CSRs at every concurrency; the warm-up runs once, before the first level.
            using var driver = new LoadDriver(clients);
            if (results.Count == 0)
            {
                var warm = await driver.RunAsync(0, warmup, limit, Make, AcceptResponse);
                if (warm.Failures > 0) throw new InvalidOperationException($"{target.Name}: {warm.Failures} warm-up failures, first: {warm.FirstFailure}");
            }
            var cpu = target.CpuTime;
            var run = await driver.RunAsync(warmup, count, limit, Make, AcceptResponse);
            run = run with { ServerCpuMs = (target.CpuTime - cpu).TotalMilliseconds };
            if (run.Failures > 0) throw new InvalidOperationException($"{target.Name}: {run.Failures} of {run.Requests} failed, first: {run.FirstFailure}");
            if (run.Requests < count) throw new InvalidOperationException($"{target.Name}: only {run.Requests} of {count} requests within {limit.TotalSeconds} s");
            results.Add(run);
        }
        if (checkedKeys == 0) throw new InvalidOperationException($"{target.Name}: no certificate was checked against its CSR");
        return results;
    }

    private static readonly HttpRequestOptionsKey<int> IndexKey = new("bench-index");

    internal static string Describe(LoadResult r) =>
        $"{Figures.F(r.PerSecond)} certs/s, p50 {Figures.F(r.P50Ms, "0.0")} ms, p99 {Figures.F(r.P99Ms, "0.0")} ms, server CPU {Figures.F(r.ServerCpuMs / r.Requests, "0.00")} ms/cert";
}
