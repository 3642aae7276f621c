using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Castellan.Bench.Acme;

/// <summary>
/// The http-01 side of every client (RFC 8555 §8.3): one Kestrel listening on the challenge port of each loopback
/// address the identifiers resolve to, answering /.well-known/acme-challenge/{token} with the key authorization.
/// Tokens are unique per challenge, so one table serves all clients.
/// </summary>
internal sealed class Http01Responder : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _answers = new();
    private readonly WebApplication _app;
    private long _served;

    private Http01Responder(WebApplication app) => _app = app;

    public long Served => Interlocked.Read(ref _served);

    public void Add(string token, string keyAuthorization) => _answers[token] = keyAuthorization;

    public void Remove(string token) => _answers.TryRemove(token, out _);

    public static async Task<Http01Responder> StartAsync(int port, IEnumerable<IPAddress> addresses)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            foreach (var a in addresses) k.Listen(a, port);
        });
        var app = builder.Build();
        var responder = new Http01Responder(app);
        app.MapGet("/.well-known/acme-challenge/{token}", (string token) =>
        {
            if (!responder._answers.TryGetValue(token, out var answer)) return Results.NotFound();
            Interlocked.Increment(ref responder._served);
            return Results.Text(answer, "application/octet-stream");
        });
        await app.StartAsync();
        return responder;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
