namespace Castellan.IntegrationTests.Support;

/// <summary>Where a real ACME client talks to, and what it needs to answer challenges on loopback.</summary>
/// <param name="DirectoryUrl">The ACME directory (http or https).</param>
/// <param name="TlsCaFile">PEM trusted for an https directory (Pebble's test CA); null for http.</param>
/// <param name="HttpPort">Where the CA's validator connects for http-01: the client's standalone server listens there.</param>
/// <param name="TlsPort">Where it connects for tls-alpn-01.</param>
/// <param name="Dns">The BIND server that takes the clients' rfc2136 updates for dns-01.</param>
public sealed record AcmeEndpoint(string DirectoryUrl, string? TlsCaFile, int HttpPort, int TlsPort, BindDnsServer Dns);

/// <summary>External account binding credentials (RFC 8555 §7.3.4) as clients take them: key id and base64url HMAC key.</summary>
public sealed record EabCredentials(string KeyId, string HmacKey);

public enum AcmeChallenge
{
    Http01,
    Dns01,
    TlsAlpn01,
}

/// <summary>What a client run left behind: its exit code and output, and the files of the certificate it holds now.</summary>
public sealed record AcmeClientRun(int ExitCode, string Output, string LeafFile, string ChainFile, string KeyFile)
{
    public bool Succeeded => ExitCode == 0 && File.Exists(LeafFile);
}

/// <summary>
/// certbot 2.x, driven as an operator would, in its own directories: <c>--config-dir/--work-dir/--logs-dir</c> (never
/// /etc/letsencrypt), http-01 with its standalone server on 127.0.0.1:HttpPort, dns-01 through the rfc2136 plugin with
/// the BIND TSIG key. certbot has no tls-alpn-01.
/// </summary>
public sealed class Certbot(AcmeEndpoint endpoint)
{
    public string Directory { get; } = TestPaths.NewDirectory("certbot");

    public async Task<AcmeClientRun> CertonlyAsync(string certName, IReadOnlyList<string> domains, AcmeChallenge challenge, EabCredentials? eab = null)
    {
        var args = new List<string> { "certonly", "--agree-tos", "--register-unsafely-without-email", "--key-type", "ecdsa", "--cert-name", certName };
        foreach (var d in domains) args.AddRange(["-d", d]);
        if (eab is not null) args.AddRange(["--eab-kid", eab.KeyId, "--eab-hmac-key", eab.HmacKey]);
        switch (challenge)
        {
            case AcmeChallenge.Http01:
                args.AddRange(["--standalone", "--http-01-address", "127.0.0.1", "--http-01-port", endpoint.HttpPort.ToString()]);
                break;
            case AcmeChallenge.Dns01:
                args.AddRange(["--dns-rfc2136", "--dns-rfc2136-credentials", await Rfc2136IniAsync(), "--dns-rfc2136-propagation-seconds", "1"]);
                break;
            default:
                throw new ArgumentException($"certbot does not do {challenge}");
        }
        return await RunAsync(certName, args);
    }

    /// <summary><c>certbot renew --force-renewal</c> for one lineage, without the random sleep certbot adds when not on a TTY.</summary>
    public Task<AcmeClientRun> RenewAsync(string certName) =>
        RunAsync(certName, ["renew", "--force-renewal", "--cert-name", certName, "--no-random-sleep-on-renew"]);

    /// <summary><c>certbot revoke</c> of the lineage's current certificate, signed by the account key; files are kept.</summary>
    public Task<AcmeClientRun> RevokeAsync(string certName, string reason = "keycompromise") =>
        RunAsync(certName, ["revoke", "--cert-path", LivePath(certName, "cert.pem"), "--reason", reason, "--no-delete-after-revoke"]);

    private string LivePath(string certName, string file) => Path.Combine(Directory, "etc", "live", certName, file);

    private async Task<AcmeClientRun> RunAsync(string certName, List<string> args)
    {
        args.AddRange(["--non-interactive", "--server", endpoint.DirectoryUrl,
            "--config-dir", Path.Combine(Directory, "etc"), "--work-dir", Path.Combine(Directory, "work"), "--logs-dir", Path.Combine(Directory, "logs")]);
        var env = new Dictionary<string, string>();
        if (endpoint.TlsCaFile is not null) env["REQUESTS_CA_BUNDLE"] = endpoint.TlsCaFile;
        var r = await Tools.RunAsync("certbot", args, env: env, timeout: TimeSpan.FromMinutes(3));
        return new AcmeClientRun(r.ExitCode, r.All, LivePath(certName, "cert.pem"), LivePath(certName, "fullchain.pem"), LivePath(certName, "privkey.pem"));
    }

    /// <summary>The rfc2136 plugin's credentials; certbot refuses the file unless it is mode 600.</summary>
    private async Task<string> Rfc2136IniAsync()
    {
        var ini = Path.Combine(Directory, "rfc2136.ini");
        await File.WriteAllTextAsync(ini, $"""
            dns_rfc2136_server = 127.0.0.1
            dns_rfc2136_port = {endpoint.Dns.Port}
            dns_rfc2136_name = {BindDnsServer.TsigKeyName}
            dns_rfc2136_secret = {endpoint.Dns.TsigSecret}
            dns_rfc2136_algorithm = HMAC-SHA256

            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(ini, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return ini;
    }
}

/// <summary>
/// lego 4.x with its own <c>--path</c>: http-01 and tls-alpn-01 on 127.0.0.1 ports, dns-01 through rfc2136 with the
/// BIND resolver only (<c>--dns.resolvers</c>: without it lego asks public resolvers, which do not exist here).
/// An https directory is trusted through LEGO_CA_CERTIFICATES (lego has no insecure flag).
/// </summary>
public sealed class Lego(AcmeEndpoint endpoint)
{
    public string Directory { get; } = TestPaths.NewDirectory("lego");

    public Task<AcmeClientRun> RunAsync(IReadOnlyList<string> domains, AcmeChallenge challenge, EabCredentials? eab = null) =>
        ExecuteAsync(domains, challenge, eab, ["run"]);

    /// <summary><c>lego renew --days D</c> with D beyond any lifetime, so it renews now; no random sleep.</summary>
    public Task<AcmeClientRun> RenewAsync(IReadOnlyList<string> domains, AcmeChallenge challenge, EabCredentials? eab = null) =>
        ExecuteAsync(domains, challenge, eab, ["renew", "--days", "36500", "--no-random-sleep"]);

    /// <summary><c>lego revoke --reason 1</c> (keyCompromise), signed by the account key; <c>--keep</c> leaves the files.</summary>
    public Task<AcmeClientRun> RevokeAsync(IReadOnlyList<string> domains, EabCredentials? eab = null) =>
        ExecuteAsync(domains, AcmeChallenge.Http01, eab, ["revoke", "--reason", "1", "--keep"]);

    private async Task<AcmeClientRun> ExecuteAsync(IReadOnlyList<string> domains, AcmeChallenge challenge, EabCredentials? eab, string[] command)
    {
        var args = new List<string> { "--server", endpoint.DirectoryUrl, "--accept-tos", "--email", "admin@example.test", "--path", Directory, "--key-type", "ec256" };
        foreach (var d in domains) args.AddRange(["--domains", d]);
        if (eab is not null) args.AddRange(["--eab", "--kid", eab.KeyId, "--hmac", eab.HmacKey]);
        var env = new Dictionary<string, string>();
        switch (challenge)
        {
            case AcmeChallenge.Http01:
                args.AddRange(["--http", "--http.port", $"127.0.0.1:{endpoint.HttpPort}"]);
                break;
            case AcmeChallenge.TlsAlpn01:
                args.AddRange(["--tls", "--tls.port", $"127.0.0.1:{endpoint.TlsPort}"]);
                break;
            case AcmeChallenge.Dns01:
                args.AddRange(["--dns", "rfc2136", "--dns.resolvers", endpoint.Dns.Endpoint, "--dns.disable-cp"]);
                env["RFC2136_NAMESERVER"] = endpoint.Dns.Endpoint;
                env["RFC2136_TSIG_KEY"] = BindDnsServer.TsigKeyName;
                env["RFC2136_TSIG_SECRET"] = endpoint.Dns.TsigSecret;
                env["RFC2136_TSIG_ALGORITHM"] = "hmac-sha256."; // lego wants the trailing dot
                // A wildcard and its base name share one _acme-challenge record, which lego fills one after the other,
                // waiting this long between them (60 s by default).
                env["RFC2136_SEQUENCE_INTERVAL"] = "1";
                break;
        }
        args.AddRange(command);
        if (endpoint.TlsCaFile is not null) env["LEGO_CA_CERTIFICATES"] = endpoint.TlsCaFile;
        var r = await Tools.RunAsync("lego", args, env: env, timeout: TimeSpan.FromMinutes(3));
        var certs = Path.Combine(Directory, "certificates");
        var name = domains[0].Replace('*', '_');
        var bundle = Path.Combine(certs, name + ".crt"); // leaf then issuer(s)
        var leaf = Path.Combine(certs, name + ".leaf.pem");
        if (File.Exists(bundle)) await File.WriteAllTextAsync(leaf, Tools.SplitPem(await File.ReadAllTextAsync(bundle))[0]);
        return new AcmeClientRun(r.ExitCode, r.All, leaf, bundle, Path.Combine(certs, name + ".key"));
    }
}
