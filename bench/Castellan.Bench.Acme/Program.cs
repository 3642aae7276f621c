using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Castellan.Bench.Acme;

// Castellan.Bench.Acme --directory URL [--clients 4] [--seconds 5] [--warmup 4] [--http-port 5002]
//     [--identifiers dns|ip] [--domain bench.test] [--ip-count 8] [--ca-cert PEM] [--server-pid PID] [--label NAME]
//     [--eab-kid KID --eab-hmac B64URL] [--poll-ms 5] [--max-poll-ms 1000]
// N closed-loop clients each complete whole orders (newAccount .. certificate download) until --seconds have passed;
// the last line is machine-readable: RESULT label=.. orders=.. failures=.. orders_per_s=.. p50_ms=.. p99_ms=.. cpu_ms_per_order=..
var options = DriverOptions.Parse(args);
var addresses = options.IdentifierType == "ip"
    ? Enumerable.Range(1, options.IpCount).Select(i => IPAddress.Parse($"127.0.0.{i}")).ToArray()
    : [IPAddress.Loopback];
await using var responder = await Http01Responder.StartAsync(options.HttpPort, addresses);

using var http = new HttpClient(Handler(options)) { Timeout = TimeSpan.FromSeconds(60) };
using var setup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
var directory = await AcmeDirectory.ReadAsync(http, options.Directory, setup.Token);
var poll = new PollPolicy(TimeSpan.FromMilliseconds(options.PollMs), TimeSpan.FromMilliseconds(options.MaxPollMs));
var run = Guid.NewGuid().ToString("N")[..6];
var sequence = 0;
Identifier NextIdentifier()
{
    var n = Interlocked.Increment(ref sequence);
    return options.IdentifierType == "ip"
        ? new Identifier("ip", addresses[n % addresses.Length].ToString())
        : new Identifier("dns", $"o{n}-{run}.{options.Domain}");
}

Console.WriteLine($"{options.Label}: {options.Directory}, {options.Clients} clients, {options.IdentifierType} identifiers, http-01 on port {options.HttpPort}; " +
                  $"load average {File.ReadAllText("/proc/loadavg").Trim()}");

// Warm-up: connections, JIT and the server's caches, not counted.
var warm = await RunAsync(options.Warmup, TimeSpan.FromSeconds(60));
if (!warm.Failures.IsEmpty && warm.Timings.IsEmpty)
{
    Console.Error.WriteLine($"{options.Label}: every warm-up order failed; first: {warm.Failures.First()}");
    return 1;
}

var cpuBefore = options.ServerPid is { } pid ? ServerCpu.Read(pid) : (TimeSpan?)null;
var driverBefore = ServerCpu.Read(Environment.ProcessId);
var timed = await RunAsync(int.MaxValue, TimeSpan.FromSeconds(options.Seconds));
var cpuAfter = options.ServerPid is { } pid2 ? ServerCpu.Read(pid2) : (TimeSpan?)null;
var driverAfter = ServerCpu.Read(Environment.ProcessId);

var latencies = timed.Timings.Select(t => t.TotalMs).Order().ToArray();
var orders = latencies.Length;
double Pct(double p) => orders == 0 ? double.NaN : latencies[Math.Min(orders - 1, (int)Math.Ceiling(p * orders) - 1)];
double Mean(Func<OrderTiming, double> f) => orders == 0 ? double.NaN : timed.Timings.Average(f);
var perSecond = orders / timed.Elapsed.TotalSeconds;
var cpuPerOrder = cpuBefore is { } b && cpuAfter is { } a && orders > 0 ? (a - b).TotalMilliseconds / orders : double.NaN;
// The driver shares the machine's cores with the server: its own cost per order says how much of the 2 cores is left.
var driverCpuPerOrder = orders > 0 ? (driverAfter - driverBefore).TotalMilliseconds / orders : double.NaN;
string F(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);

Console.WriteLine($"{options.Label}: {orders} orders in {F(timed.Elapsed.TotalSeconds)} s = {F(perSecond)} orders/s; latency p50 {F(Pct(0.50))} ms, p99 {F(Pct(0.99))} ms " +
                  $"(mean: account {F(Mean(t => t.AccountMs))}, challenge {F(Mean(t => t.ChallengeMs))}, finalize {F(Mean(t => t.FinalizeMs))} ms); " +
                  $"server CPU {(double.IsNaN(cpuPerOrder) ? "not measured (no --server-pid)" : F(cpuPerOrder) + " ms/order")}, driver CPU {F(driverCpuPerOrder)} ms/order; " +
                  $"{timed.Failures.Count} failed; http-01 answers served {responder.Served}; TLS handshakes {TlsHandshakes.Count}");
foreach (var f in timed.Failures.Take(3)) Console.WriteLine($"  failure: {f}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT label={options.Label} clients={options.Clients} orders={orders} failures={timed.Failures.Count} seconds={F(timed.Elapsed.TotalSeconds)} orders_per_s={F(perSecond)} p50_ms={F(Pct(0.5))} p99_ms={F(Pct(0.99))} cpu_ms_per_order={F(cpuPerOrder)} driver_cpu_ms_per_order={F(driverCpuPerOrder)}"));
return orders > 0 && timed.Failures.IsEmpty ? 0 : 1;

// Closed loop: each client starts its next order as soon as the last one ended, until the count or the deadline;
// an order started before the deadline is finished and counted, and the elapsed time runs until the last one ends.
async Task<(ConcurrentBag<OrderTiming> Timings, ConcurrentBag<string> Failures, TimeSpan Elapsed)> RunAsync(int count, TimeSpan duration)
{
    var timings = new ConcurrentBag<OrderTiming>();
    var failures = new ConcurrentBag<string>();
    var started = 0;
    using var hardStop = new CancellationTokenSource(duration + TimeSpan.FromSeconds(60));
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(_ => Task.Run(async () =>
    {
        var client = new AcmeClient(http, directory, responder, poll, options.Eab);
        while (clock.Elapsed < duration && Interlocked.Increment(ref started) <= count && !hardStop.IsCancellationRequested)
        {
            try
            {
                timings.Add(await client.CompleteOrderAsync(NextIdentifier(), hardStop.Token));
            }
            catch (Exception e) when (e is AcmeException or HttpRequestException or OperationCanceledException or KeyNotFoundException or System.Text.Json.JsonException)
            {
                failures.Add(e.Message);
            }
        }
    })));
    return (timings, failures, clock.Elapsed);
}

static SocketsHttpHandler Handler(DriverOptions options)
{
    var handler = new SocketsHttpHandler
    {
        MaxConnectionsPerServer = options.Clients,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = false,
    };
    if (options.CaCert is { } caFile)
    {
        // Trust exactly the test CA that signed the server's TLS certificate (Pebble's), nothing from the system store.
        var anchors = new X509Certificate2Collection();
        anchors.ImportFromPemFile(caFile);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            Interlocked.Increment(ref TlsHandshakes.Count);
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
    }
    return handler;
}

/// <summary>TLS handshakes the driver made: with kept-alive connections, about one per client for the whole run.</summary>
internal static class TlsHandshakes
{
    public static int Count;
}

internal sealed record DriverOptions(string Directory, int Clients, double Seconds, int Warmup, int HttpPort, string IdentifierType, string Domain, int IpCount,
    string? CaCert, int? ServerPid, string Label, EabCredentials? Eab, int PollMs, int MaxPollMs)
{
    public static DriverOptions Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var directory = Value("--directory") ?? throw new ArgumentException("--directory URL is required");
        var type = Value("--identifiers") ?? "dns";
        if (type is not ("dns" or "ip")) throw new ArgumentException("--identifiers is dns or ip");
        var eab = Value("--eab-kid") is { } kid ? new EabCredentials(kid, Base64Url.Decode(Value("--eab-hmac") ?? throw new ArgumentException("--eab-hmac is required with --eab-kid"))) : null;
        var clients = Int("--clients", 4);
        return new DriverOptions(directory, clients, Value("--seconds") is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : 5, Int("--warmup", clients),
            Int("--http-port", 5002), type, Value("--domain") ?? "bench.test", Math.Clamp(Int("--ip-count", 8), 1, 254), Value("--ca-cert"),
            Value("--server-pid") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : null, Value("--label") ?? "acme", eab,
            Int("--poll-ms", 5), Int("--max-poll-ms", 1000));
    }
}
