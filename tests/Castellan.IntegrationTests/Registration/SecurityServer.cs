using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Castellan.IntegrationTests.Support;
using MimeKit;

namespace Castellan.IntegrationTests.Registration;

/// <summary>
/// An RA server that sends its mail over SMTP to a real sink (aiosmtpd), serves https with client certificates
/// allowed (Kestrel AllowCertificate) beside plain http, and trusts only 10.9.9.9 as a proxy, so an
/// X-Forwarded-For sent from loopback is a spoof it must ignore.
/// </summary>
public class SecurityServer : RegistrationServer, IAsyncLifetime
{
    private const string PfxPassword = "test-only";
    private readonly string _pfx;

    public SecurityServer()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        _pfx = Path.Combine(TestPaths.NewDirectory("tls"), "server.pfx");
        File.WriteAllBytes(_pfx, cert.Export(X509ContentType.Pfx, PfxPassword));
    }

    public SmtpSink Mail { get; protected set; } = null!;
    public int HttpsPort { get; } = FreePort.Next();
    public string HttpsUrl => $"https://127.0.0.1:{HttpsPort}";

    /// <summary>Where the server sends mail; a subclass may point it at a port where nothing listens yet.</summary>
    protected virtual int SmtpPort => Mail.Port;

    protected virtual Task StartMailAsync() => Task.Run(async () => Mail = await SmtpSink.StartAsync());

    protected override string? DcvZone => null; // its own peers

    protected override IReadOnlyList<string> ExtraArguments =>
    [
        "--Castellan:Network:TrustedProxies:0", "10.9.9.9",
        "--Castellan:Smtp:Host", "127.0.0.1", "--Castellan:Smtp:Port", SmtpPort.ToString(), "--Castellan:Smtp:Security", "None",
        "--Castellan:Smtp:From", "Castellan RA <ra@example.test>", "--Castellan:Smtp:PollInterval", "00:00:00.100",
        "--Castellan:Smtp:RetryDelay", "00:00:00.300", "--Castellan:Smtp:MaxRetryDelay", "00:00:01",
        "--Kestrel:Endpoints:Http:Url", BaseUrl,
        "--Kestrel:Endpoints:Https:Url", HttpsUrl, "--Kestrel:Endpoints:Https:Certificate:Path", _pfx,
        "--Kestrel:Endpoints:Https:Certificate:Password", PfxPassword, "--Kestrel:Endpoints:Https:ClientCertificateMode", "AllowCertificate",
    ];

    async Task IAsyncLifetime.InitializeAsync()
    {
        await StartMailAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (Mail is not null) await Mail.DisposeAsync();
    }

    /// <summary>The token from the newest activation mail that really arrived over SMTP.</summary>
    public override async Task<string?> ActivationTokenAsync(string email)
    {
        var mail = await Mail.WaitForAsync(email, m => LinkIn(m) is not null);
        return Regex.Match(LinkIn(mail)!, @"token=([A-Za-z0-9_-]+)").Groups[1].Value;
    }

    public static string? LinkIn(MimeMessage m) => Regex.Match(m.TextBody ?? "", @"https?://\S+/activate\?token=[A-Za-z0-9_-]+") is { Success: true } l ? l.Value : null;

    /// <summary>An https client presenting <paramref name="certificate"/> (or none); the server's self-signed certificate is accepted.</summary>
    public HttpClient HttpsClient(X509Certificate2? certificate)
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator, ClientCertificateOptions = ClientCertificateOption.Manual };
        if (certificate is not null) handler.ClientCertificates.Add(certificate);
        return new HttpClient(handler) { BaseAddress = new Uri(HttpsUrl) };
    }
}

/// <summary>A server whose mail server is down at first: the port is chosen, nothing listens until the test starts the sink there.</summary>
public sealed class MailDownServer : SecurityServer
{
    public int ReservedSmtpPort { get; } = FreePort.Next();

    protected override int SmtpPort => ReservedSmtpPort;

    protected override Task StartMailAsync() => Task.CompletedTask;

    public async Task BringMailUpAsync() => Mail = await SmtpSink.StartAsync(ReservedSmtpPort);
}
