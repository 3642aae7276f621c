using System.Diagnostics;
using System.Text;

namespace Castellan.IntegrationTests.Support;

/// <summary>
/// A real authoritative BIND 9 on a free loopback port serving one test zone, with RFC 2136 dynamic updates signed by
/// a TSIG key (what certbot's and lego's rfc2136 plugins use). Records change through <c>nsupdate</c>, as an operator's
/// would. Shared by the validation, ACME and end-to-end tests (linked into those projects).
/// </summary>
public sealed class BindDnsServer : IAsyncDisposable
{
    public const string TsigKeyName = "acme-key";

    private BindDnsServer(string directory, int port, string zone, string tsigSecret)
    {
        Directory = directory;
        Port = port;
        Zone = zone;
        TsigSecret = tsigSecret;
    }

    public string Directory { get; }
    public int Port { get; }
    public string Zone { get; }

    /// <summary>host:port, the form of <c>Castellan:Validation:DnsResolvers</c> entries.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Base64 HMAC-SHA256 secret of <see cref="TsigKeyName"/>.</summary>
    public string TsigSecret { get; }

    /// <summary>The BIND key file (for nsupdate -k and certbot's rfc2136 ini).</summary>
    public string TsigKeyFile => Path.Combine(Directory, "tsig.key");

    /// <summary>
    /// Starts named for <paramref name="zone"/>. Every name in the zone has A 127.0.0.1 (apex, www, and a wildcard),
    /// so HTTP and TLS validations reach servers the tests run on loopback. <paramref name="extraRecords"/> are zone-file
    /// lines added as given (e.g. <c>"denied IN CAA 0 issue \"other-ca.example\""</c>).
    /// </summary>
    public static async Task<BindDnsServer> StartAsync(string zone = "example.test", params string[] extraRecords)
    {
        var dir = TestPaths.NewDirectory("dns");
        var port = FreePort.Next();
        var key = await Tools.RunAsync("tsig-keygen", ["-a", "hmac-sha256", TsigKeyName]);
        if (key.ExitCode != 0) throw new InvalidOperationException("tsig-keygen failed: " + key.All);
        await File.WriteAllTextAsync(Path.Combine(dir, "tsig.key"), key.StdOut);
        var secret = key.StdOut.Split('"')[3];
        await File.WriteAllTextAsync(Path.Combine(dir, "named.conf"), $$"""
            options { directory "{{dir}}"; pid-file "{{dir}}/named.pid"; session-keyfile "{{dir}}/session.key";
              listen-on port {{port}} { 127.0.0.1; }; listen-on-v6 { none; }; recursion no; dnssec-validation no;
              allow-transfer { none; }; notify no; };
            controls { };
            include "{{dir}}/tsig.key";
            zone "{{zone}}" { type primary; file "{{dir}}/{{zone}}.zone"; journal "{{dir}}/{{zone}}.jnl";
              update-policy { grant {{TsigKeyName}} zonesub ANY; }; };
            """);
        var zoneFile = new StringBuilder($"""
            $TTL 1
            @ IN SOA ns1.{zone}. hostmaster.{zone}. 1 60 60 600 1
            @ IN NS ns1.{zone}.
            ns1 IN A 127.0.0.1
            @ IN A 127.0.0.1
            www IN A 127.0.0.1
            * IN A 127.0.0.1

            """);
        foreach (var line in extraRecords) zoneFile.AppendLine(line);
        await File.WriteAllTextAsync(Path.Combine(dir, zone + ".zone"), zoneFile.ToString());
        var started = await Tools.RunAsync("named", ["-c", Path.Combine(dir, "named.conf"), "-L", Path.Combine(dir, "named.log")]);
        if (started.ExitCode != 0) throw new InvalidOperationException("named did not start: " + started.All + ReadLog(dir));
        var server = new BindDnsServer(dir, port, zone, secret);
        for (var i = 0; i < 100; i++)
        {
            var soa = await Tools.RunAsync("dig", ["+short", "+time=1", "+tries=1", "@127.0.0.1", "-p", port.ToString(), zone, "SOA"]);
            if (soa.ExitCode == 0 && soa.StdOut.Trim().Length > 0) return server;
            await Task.Delay(50);
        }
        await server.DisposeAsync();
        throw new InvalidOperationException("named did not answer: " + ReadLog(dir));
    }

    /// <summary>Adds a record through a TSIG-signed dynamic update, e.g. ("_acme-challenge.www.example.test", "TXT", "\"v\"").</summary>
    /// <summary>
    /// Waits out the default one-second TTL of records added here: the VA reuses a CAA answer for its TTL (RFC 8659 §3),
    /// so a test that changes CAA sees the change only once the old answer has expired, as a real operator would.
    /// </summary>
    public static Task OutwaitTtlAsync() => Task.Delay(TimeSpan.FromMilliseconds(1300));

    public Task AddAsync(string name, string type, string data, int ttl = 1) => UpdateAsync($"update add {name}. {ttl} {type} {data}");

    /// <summary>Deletes every record of the type at the name.</summary>
    public Task DeleteAsync(string name, string type) => UpdateAsync($"update delete {name}. {type}");

    private async Task UpdateAsync(string command)
    {
        var script = Path.Combine(Directory, $"update-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(script, $"server 127.0.0.1 {Port}\n{command}\nsend\n");
        var result = await Tools.RunAsync("nsupdate", ["-k", TsigKeyFile, script]);
        if (result.ExitCode != 0) throw new InvalidOperationException($"nsupdate '{command}' failed: {result.All}");
    }

    /// <summary>What the server answers now, via dig (for assertions about the zone itself).</summary>
    public async Task<string> DigAsync(string name, string type) =>
        (await Tools.RunAsync("dig", ["+short", "@127.0.0.1", "-p", Port.ToString(), name, type])).StdOut.Trim();

    public async ValueTask DisposeAsync()
    {
        var pidFile = Path.Combine(Directory, "named.pid");
        if (!File.Exists(pidFile)) return;
        if (int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out var pid))
        {
            try { using var p = Process.GetProcessById(pid); p.Kill(); await p.WaitForExitAsync(); }
            catch (ArgumentException) { } // already gone
        }
    }

    private static string ReadLog(string dir)
    {
        var log = Path.Combine(dir, "named.log");
        return File.Exists(log) ? File.ReadAllText(log) : "";
    }
}
