using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Castellan.IntegrationTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Castellan.IntegrationTests.Validation;

/// <summary>A small Kestrel server on a free loopback port answering fixed paths (the applicant's web server).</summary>
public sealed class HttpResponder : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpResponder(WebApplication app, int port) { _app = app; Port = port; }

    public int Port { get; }
    public Dictionary<string, string> Files { get; } = [];
    public Dictionary<string, string> Redirects { get; } = [];

    public static async Task<HttpResponder> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var responder = new HttpResponder(app, port);
        app.Run(async http =>
        {
            var path = http.Request.Path.Value ?? "";
            if (responder.Redirects.TryGetValue(path, out var to)) { http.Response.Redirect(to); return; }
            if (responder.Files.TryGetValue(path, out var body)) { await http.Response.WriteAsync(body); return; }
            http.Response.StatusCode = 404;
        });
        await app.StartAsync();
        return responder;
    }

    public async ValueTask DisposeAsync() { await _app.StopAsync(); await _app.DisposeAsync(); }
}

/// <summary>
/// An RFC 8737 responder: a TLS server on a free loopback port that, for ALPN acme-tls/1, presents a self-signed
/// certificate with the given SAN and a critical id-pe-acmeIdentifier holding the given digest.
/// </summary>
public sealed class TlsAlpnResponder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly bool _offerAcmeTls;
    private readonly CancellationTokenSource _stop = new();

    private TlsAlpnResponder(TcpListener listener, X509Certificate2 certificate, bool offerAcmeTls)
    {
        _listener = listener;
        _certificate = certificate;
        _offerAcmeTls = offerAcmeTls;
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The SNI of each handshake, as the client sent it.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> ServerNames { get; } = new();

    public static TlsAlpnResponder Start(string name, string keyAuthorization, bool offerAcmeTls = true, int port = 0)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=acme-tls", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        // RFC 8738 §6: an IP identifier's certificate carries the iPAddress.
        if (IPAddress.TryParse(name, out var ip)) san.AddIpAddress(ip);
        else san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        var digest = SHA256.HashData(Encoding.ASCII.GetBytes(keyAuthorization));
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        writer.WriteOctetString(digest);
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.5.5.7.1.31", writer.Encode(), critical: true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        return new TlsAlpnResponder(listener, certificate, offerAcmeTls);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await using var tls = new SslStream(client.GetStream());
                        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                        {
                            ServerCertificate = _certificate,
                            ApplicationProtocols = [_offerAcmeTls ? new SslApplicationProtocol("acme-tls/1") : SslApplicationProtocol.Http11],
                        });
                        ServerNames.Enqueue(tls.TargetHostName);
                        await tls.ShutdownAsync();
                    }
                    catch (Exception) { } // the validator may hang up after the handshake
                }
            });
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _certificate.Dispose();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
