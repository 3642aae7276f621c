using System.Diagnostics;
using System.Text.Json;
using Castellan.IntegrationTests.Registration;
using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.Acme.RealClients;

/// <summary>
/// An ACME server under test with the peers around it: a BIND zone where every name is 127.0.0.1 (plus CAA records),
/// the http-01 and tls-alpn-01 ports its validator connects to, and what the tests need to check results: the root to
/// verify against, revocation status, and EAB credentials when the directory requires them.
/// </summary>
public abstract class AcmeTarget : IAsyncLifetime
{
    public const string Zone = "acme.test";

    /// <summary>
    /// The zone BIND serves: the parent of <see cref="Zone"/>, because RFC 8659 CAA climbing asks up to the TLD, and an
    /// authoritative-only server answers REFUSED for a name outside its zones, which a CA must treat as a refusal to
    /// issue (BR 3.2.2.8). A production resolver is recursive and answers NXDOMAIN or NODATA there.
    /// </summary>
    public const string ServedZone = "test";

    /// <summary>Records under <see cref="ServedZone"/>: every name in <see cref="Zone"/> is 127.0.0.1, plus the CAA records
    /// (RFC 8659) the CAA scenario relies on; nothing else has CAA, so other names allow any CA.</summary>
    public static readonly string[] ZoneRecords =
    [
        "acme IN A 127.0.0.1", "*.acme IN A 127.0.0.1",
        "caa-other.acme IN A 127.0.0.1", $"caa-other.acme IN CAA 0 issue \"other-ca.example\"", "www.caa-other.acme IN A 127.0.0.1",
        "caa-ours.acme IN A 127.0.0.1", $"caa-ours.acme IN CAA 0 issue \"{CastellanAcmeApi.CaaIdentity}\"", "www.caa-ours.acme IN A 127.0.0.1",
        // RFC 8657: this CA, but only by dns-01 / only for an account that is nobody's / by http-01.
        $"caa-dns-only.acme IN CAA 0 issue \"{CastellanAcmeApi.CaaIdentity}; validationmethods=dns-01\"", "www.caa-dns-only.acme IN A 127.0.0.1",
        $"caa-account.acme IN CAA 0 issue \"{CastellanAcmeApi.CaaIdentity}; accounturi=https://ca.invalid/acme/acct/nobody\"", "www.caa-account.acme IN A 127.0.0.1",
        $"caa-http-only.acme IN CAA 0 issue \"{CastellanAcmeApi.CaaIdentity}; validationmethods=http-01\"", "www.caa-http-only.acme IN A 127.0.0.1",
    ];

    public BindDnsServer Dns { get; private set; } = null!;
    public int HttpPort { get; } = FreePort.Next();
    public int TlsPort { get; } = FreePort.Next();
    public AcmeEndpoint Endpoint { get; private set; } = null!;

    /// <summary>PEM file of the root every issued certificate must chain to.</summary>
    public string RootFile { get; private set; } = null!;

    public abstract string Name { get; }
    public abstract bool RequiresEab { get; }
    public abstract bool ChecksCaa { get; }

    /// <summary>Where this server knowingly departs from an RFC 8555 error type: request kind -> the type it answers instead.</summary>
    public virtual IReadOnlyDictionary<string, string> KnownDeviations { get; } = new Dictionary<string, string>();

    /// <summary>xunit v2 builds class fixtures even when every test of the class is skipped: start nothing then.</summary>
    protected abstract bool Enabled { get; }

    /// <summary>A fresh name under the zone, so no test reuses another's authorization.</summary>
    public static string NewName(string label = "h") => $"{label}-{Guid.NewGuid():N}"[..(label.Length + 9)] + "." + Zone;

    public abstract Task<EabCredentials> NewEabAsync();

    /// <summary>"revoked" once the CA has the certificate as revoked, "valid" before.</summary>
    public abstract Task<string> StatusAsync(string serialHex);

    protected abstract Task<(string DirectoryUrl, string? TlsCa, string RootPem)> StartServerAsync();

    protected abstract Task StopServerAsync();

    public async Task InitializeAsync()
    {
        if (!Enabled) return;
        Dns = await BindDnsServer.StartAsync(ServedZone, ZoneRecords);
        (string Url, string? TlsCa, string RootPem) started;
        try
        {
            started = await StartServerAsync();
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: stop the peers here, or they outlive the run.
            await StopServerAsync();
            await Dns.DisposeAsync();
            throw;
        }
        var (url, tlsCa, rootPem) = started;
        Endpoint = new AcmeEndpoint(url, tlsCa, HttpPort, TlsPort, Dns);
        RootFile = Path.Combine(Dns.Directory, "acme-root.pem");
        await File.WriteAllTextAsync(RootFile, rootPem);
    }

    public async Task DisposeAsync()
    {
        if (!Enabled) return;
        await StopServerAsync();
        await Dns.DisposeAsync();
    }
}

/// <summary>Castellan in-process on a free port (SQLite), its validation authority pointed at this target's peers.</summary>
public class CastellanAcmeTarget : AcmeTarget
{
    private AcmeCastellanServer? _server;

    public override string Name => "castellan";
    public override bool RequiresEab => false;
    public override bool ChecksCaa => true;
    protected override bool Enabled => true;
    public CastellanServer Server => _server!;

    protected virtual IReadOnlyList<string> AcmeArguments => [];

    public override async Task<EabCredentials> NewEabAsync() =>
        await CastellanAcmeApi.CreateEabAsync(Server.Client, await CastellanAcmeApi.CreateAccountAsync(_server!));

    public override Task<string> StatusAsync(string serialHex) => CastellanAcmeApi.CertificateStatusAsync(Server.Client, serialHex);

    protected override async Task<(string, string?, string)> StartServerAsync()
    {
        _server = new AcmeCastellanServer([.. CastellanAcmeApi.ValidationArguments(HttpPort, TlsPort, Dns.Endpoint), .. CastellanAcmeApi.NoRateLimitArguments, .. CastellanAcmeApi.ProductArguments, .. AcmeArguments]);
        await _server.InitializeAsync();
        return (_server.BaseUrl + CastellanAcmeApi.DirectoryPath, null, await CastellanAcmeApi.RootPemAsync(_server.Client));
    }

    protected override async Task StopServerAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    /// <summary>SQLite; a <see cref="RegistrationServer"/> so the EAB target can create and activate RA accounts.</summary>
    private sealed class AcmeCastellanServer(IReadOnlyList<string> extra) : RegistrationServer
    {
        protected override IReadOnlyList<string> ExtraArguments => [.. base.ExtraArguments, .. extra];
    }
}

/// <summary>The same, with a directory that refuses accounts without external account binding.</summary>
public sealed class CastellanAcmeWithEabTarget : CastellanAcmeTarget
{
    public override string Name => "castellan (EAB required)";
    public override bool RequiresEab => true;
    protected override IReadOnlyList<string> AcmeArguments => CastellanAcmeApi.RequireEabArguments;
}

/// <summary>
/// Debian's pebble, the reference ACME server, configured like Castellan: http-01 and tls-alpn-01 on this target's
/// ports, DNS from the BIND zone, no random validation sleep, no rejected nonces. It does not check CAA. Used to prove the
/// client runner and the scenarios themselves, so that Castellan is the only unknown when the Castellan tests fail.
/// </summary>
public class PebbleAcmeTarget : AcmeTarget
{
    /// <summary>Pebble's example EAB key (any base64url HMAC key works; the test owns this one).</summary>
    private const string EabKid = "kid-1";
    private const string EabHmac = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";

    private Process? _pebble;
    private int _managementPort;
    private string _tlsCa = null!;

    public override string Name => "pebble";
    public override bool RequiresEab => false;
    public override bool ChecksCaa => false;

    /// <summary>Pebble 2.4 answers a JWS in an algorithm it does not support with malformed, where RFC 8555 §6.2 says
    /// badSignatureAlgorithm. Castellan gets no such allowance.</summary>
    public override IReadOnlyDictionary<string, string> KnownDeviations { get; } = new Dictionary<string, string> { ["alg-ps256"] = "malformed" };
    protected override bool Enabled => PebbleFactAttribute.Enabled;

    public override Task<EabCredentials> NewEabAsync() => Task.FromResult(new EabCredentials(EabKid, EabHmac));

    public override async Task<string> StatusAsync(string serialHex)
    {
        using var http = TrustingPebble();
        var body = await http.GetStringAsync($"https://127.0.0.1:{_managementPort}/cert-status-by-serial/{serialHex.TrimStart('0')}");
        return JsonDocument.Parse(body).RootElement.GetProperty("Status").GetString()!.ToLowerInvariant();
    }

    protected override async Task<(string, string?, string)> StartServerAsync()
    {
        var dir = TestPaths.NewDirectory("pebble");
        _tlsCa = Path.Combine(dir, "ca.crt");
        await RunOpenSslAsync(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
            "-days", "2", "-subj", "/CN=Pebble TLS test root", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
        await RunOpenSslAsync(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key", "-out", "server.crt",
            "-days", "2", "-subj", "/CN=localhost", "-CA", "ca.crt", "-CAkey", "ca.key", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        var port = FreePort.Next();
        _managementPort = FreePort.Next();
        var eab = RequiresEab ? $$""", "externalAccountBindingRequired": true, "externalAccountMACKeys": {"{{EabKid}}": "{{EabHmac}}" }""" : "";
        await File.WriteAllTextAsync(Path.Combine(dir, "pebble.json"), $$"""
            {"pebble": {"listenAddress": "127.0.0.1:{{port}}", "managementListenAddress": "127.0.0.1:{{_managementPort}}",
              "certificate": "{{dir}}/server.crt", "privateKey": "{{dir}}/server.key",
              "httpPort": {{HttpPort}}, "tlsPort": {{TlsPort}}, "ocspResponderURL": ""{{eab}} } }
            """);
        var psi = new ProcessStartInfo("pebble") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-config", Path.Combine(dir, "pebble.json"), "-dnsserver", Dns.Endpoint }) psi.ArgumentList.Add(a);
        psi.Environment["PEBBLE_VA_NOSLEEP"] = "1";
        psi.Environment["PEBBLE_WFE_NONCEREJECT"] = "0";
        _pebble = Process.Start(psi)!;
        _pebble.OutputDataReceived += (_, _) => { };
        _pebble.ErrorDataReceived += (_, _) => { };
        _pebble.BeginOutputReadLine();
        _pebble.BeginErrorReadLine();
        using var http = TrustingPebble();
        for (var i = 0; ; i++)
        {
            try
            {
                var root = await http.GetStringAsync($"https://127.0.0.1:{_managementPort}/roots/0");
                return ($"https://127.0.0.1:{port}/dir", _tlsCa, root);
            }
            catch (HttpRequestException) when (i < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    protected override async Task StopServerAsync()
    {
        if (_pebble is null) return;
        if (!_pebble.HasExited) _pebble.Kill();
        await _pebble.WaitForExitAsync();
        _pebble.Dispose();
    }

    /// <summary>An HttpClient that trusts exactly pebble's TLS test root (for its management interface).</summary>
    private HttpClient TrustingPebble()
    {
        var anchor = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(_tlsCa));
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                if (cert is null) return false;
                using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(anchor);
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                return chain.Build(cert);
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    private static async Task RunOpenSslAsync(string dir, params string[] args)
    {
        var r = await Tools.RunAsync("openssl", args, workingDirectory: dir);
        if (r.ExitCode != 0) throw new InvalidOperationException("openssl failed: " + r.All);
    }
}

/// <summary>Pebble requiring external account binding.</summary>
public sealed class PebbleAcmeWithEabTarget : PebbleAcmeTarget
{
    public override string Name => "pebble (EAB required)";
    public override bool RequiresEab => true;
}
