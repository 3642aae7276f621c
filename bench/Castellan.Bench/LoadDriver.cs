using System.Diagnostics;
using System.Net;

namespace Castellan.Bench;

/// <summary>What one timed run measured.</summary>
internal sealed record LoadResult(int Requests, int Failures, double Seconds, double P50Ms, double P99Ms, string? FirstFailure)
{
    /// <summary>CPU time the server process used during the run (user + system), when the driver knows its process.</summary>
    public double ServerCpuMs { get; init; }

    public double PerSecond => Requests / Seconds;
}

/// <summary>
/// A closed-loop HTTP load driver: <c>clients</c> workers, each sending its next request as soon as the previous one
/// answered, over one kept-alive connection per worker. Bounded by a request count and a wall-clock limit.
/// </summary>
internal sealed class LoadDriver : IDisposable
{
    private readonly HttpClient _http;
    private readonly int _clients;

    public LoadDriver(int clients)
    {
        _clients = clients;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = clients,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        })
        { Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Http => _http;

    /// <summary>
    /// Sends requests <c>first..first+count-1</c> (the factory turns an index into a request); a response counts as a
    /// success only when <paramref name="accept"/> says so. Latencies are per request, percentiles over the run.
    /// </summary>
    public async Task<LoadResult> RunAsync(int first, int count, TimeSpan limit, Func<int, HttpRequestMessage> factory,
        Func<HttpResponseMessage, byte[], bool> accept)
    {
        var latencies = new long[count];
        var next = -1;
        var failures = 0;
        var done = 0;
        string? firstFailure = null;
        using var stop = new CancellationTokenSource(limit);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, _clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while (!stop.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < count)
            {
                var started = Stopwatch.GetTimestamp();
                bool ok;
                string? why = null;
                try
                {
                    using var request = factory(first + i);
                    using var response = await _http.SendAsync(request, stop.Token);
                    var body = await response.Content.ReadAsByteArrayAsync(stop.Token);
                    ok = accept(response, body);
                    if (!ok) why = $"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(300, body.Length)))}";
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (HttpRequestException e)
                {
                    ok = false;
                    why = e.Message;
                }
                latencies[i] = Stopwatch.GetTimestamp() - started;
                Interlocked.Increment(ref done);
                if (!ok)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstFailure, why, null);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var seconds = clock.Elapsed.TotalSeconds;
        var measured = latencies.Where(l => l > 0).Order().ToArray();
        return new LoadResult(done, failures, seconds, Percentile(measured, 0.50), Percentile(measured, 0.99), firstFailure);
    }

    private static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)] * 1000.0 / Stopwatch.Frequency;

    public void Dispose() => _http.Dispose();
}
