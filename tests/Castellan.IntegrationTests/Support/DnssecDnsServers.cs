using System.Diagnostics;
using System.Text;

namespace Castellan.IntegrationTests.Support;

/// <summary>
/// A DNSSEC-signed zone and a validating resolver, both real BIND on loopback: the zone is signed with
/// dnssec-keygen/dnssec-signzone (ECDSA P-256 KSK and ZSK, NSEC) and served by an authoritative named; a second
/// named resolves it with <c>dnssec-validation yes</c> and the zone's KSK as its trust anchor (forwarding to the
/// first). Records of <paramref name="tampered"/> names are changed in the signed file after signing, so their
/// signatures no longer verify and the resolver answers SERVFAIL, as for any bogus answer.
/// </summary>
public sealed class DnssecDnsServers : IAsyncDisposable
{
    private readonly string _directory;

    private DnssecDnsServers(string directory, int resolverPort)
    {
        _directory = directory;
        ResolverEndpoint = $"127.0.0.1:{resolverPort}";
    }

    /// <summary>The validating resolver (host:port), what <c>Castellan:Validation:DnsResolvers</c> names.</summary>
    public string ResolverEndpoint { get; }

    /// <param name="zone">A zone name (a one-label TLD such as "signed", so CAA climbing stays inside it).</param>
    /// <param name="records">Zone-file lines.</param>
    /// <param name="tampered">Owner names (relative to the zone) whose CAA value is altered after signing.</param>
    /// <param name="unsignedZone">A second, unsigned zone the same servers answer (insecure: no AD bit).</param>
    public static async Task<DnssecDnsServers> StartAsync(string zone, IReadOnlyList<string> records, IReadOnlyList<string> tampered, string unsignedZone)
    {
        var dir = TestPaths.NewDirectory("dnssec");
        var authPort = FreePort.Next();
        var resolverPort = FreePort.Next();
        var zoneFile = new StringBuilder($"""
            $TTL 60
            @ IN SOA ns1.{zone}. hostmaster.{zone}. 1 60 60 600 60
            @ IN NS ns1.{zone}.
            ns1 IN A 127.0.0.1

            """);
        var plainFile = Path.Combine(dir, unsignedZone + ".zone");
        await File.WriteAllTextAsync(plainFile, zoneFile.ToString().Replace($".{zone}.", $".{unsignedZone}.", StringComparison.Ordinal)
            + "good IN CAA 0 issue \"ca.castellan.test\"\n");
        foreach (var line in records) zoneFile.AppendLine(line);

        await Must("dnssec-keygen", ["-q", "-K", dir, "-a", "ECDSAP256SHA256", "-f", "KSK", "-n", "ZONE", zone]);
        await Must("dnssec-keygen", ["-q", "-K", dir, "-a", "ECDSAP256SHA256", "-n", "ZONE", zone]);
        var unsigned = Path.Combine(dir, zone + ".zone");
        await File.WriteAllTextAsync(unsigned, zoneFile.ToString());
        var signedFile = unsigned + ".signed";
        // -S: smart signing, takes the keys from -K and adds their DNSKEY records.
        await Must("dnssec-signzone", ["-q", "-S", "-K", dir, "-o", zone, "-f", signedFile, unsigned], dir);

        // The signed file has one record per line after dnssec-signzone's formatting of owner names; alter the CAA
        // value under each tampered owner (until the next owner) without re-signing.
        var lines = await File.ReadAllLinesAsync(signedFile);
        string? owner = null;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length > 0 && !char.IsWhiteSpace(lines[i][0]) && !lines[i].StartsWith(';')) owner = lines[i].Split([' ', '\t'], 2)[0];
            if (owner is not null && tampered.Any(t => owner == $"{t}.{zone}.") && lines[i].Contains("CAA\t0", StringComparison.Ordinal))
                lines[i] = lines[i].Replace("issue \"", "issue \"tampered.", StringComparison.Ordinal);
        }
        await File.WriteAllLinesAsync(signedFile, lines);

        var ksk = (await File.ReadAllLinesAsync(Directory.GetFiles(dir, $"K{zone}.+013+*.key").Single(f => File.ReadAllText(f).Contains("DNSKEY 257", StringComparison.Ordinal))))
            .Single(l => l.Contains("DNSKEY 257", StringComparison.Ordinal));
        var key = ksk[(ksk.IndexOf("DNSKEY 257", StringComparison.Ordinal) + "DNSKEY ".Length)..].Split(' ', 4);

        var auth = Path.Combine(dir, "auth");
        var resolver = Path.Combine(dir, "resolver");
        Directory.CreateDirectory(auth);
        Directory.CreateDirectory(resolver);
        await File.WriteAllTextAsync(Path.Combine(auth, "named.conf"), $$"""
            options { directory "{{auth}}"; pid-file "{{auth}}/named.pid"; session-keyfile "{{auth}}/session.key";
              listen-on port {{authPort}} { 127.0.0.1; }; listen-on-v6 { none; }; recursion no; dnssec-validation no; notify no; };
            controls { };
            zone "{{zone}}" { type primary; file "{{signedFile}}"; };
            zone "{{unsignedZone}}" { type primary; file "{{plainFile}}"; };
            """);
        await File.WriteAllTextAsync(Path.Combine(resolver, "named.conf"), $$"""
            options { directory "{{resolver}}"; pid-file "{{resolver}}/named.pid"; session-keyfile "{{resolver}}/session.key";
              listen-on port {{resolverPort}} { 127.0.0.1; }; listen-on-v6 { none; }; recursion yes; allow-recursion { 127.0.0.1; };
              dnssec-validation yes; notify no; };
            controls { };
            trust-anchors { {{zone}}. static-key {{key[0]}} {{key[1]}} {{key[2]}} "{{key[3].Replace(" ", "", StringComparison.Ordinal)}}"; };
            zone "{{zone}}" { type forward; forward only; forwarders { 127.0.0.1 port {{authPort}}; }; };
            zone "{{unsignedZone}}" { type forward; forward only; forwarders { 127.0.0.1 port {{authPort}}; }; };
            """);
        var servers = new DnssecDnsServers(dir, resolverPort);
        try
        {
            foreach (var d in new[] { auth, resolver })
                await Must("named", ["-c", Path.Combine(d, "named.conf"), "-L", Path.Combine(d, "named.log")]);
            for (var i = 0; i < 100; i++)
            {
                var soa = await Tools.RunAsync("dig", ["+short", "+time=1", "+tries=1", "@127.0.0.1", "-p", resolverPort.ToString(), zone, "SOA"]);
                if (soa.ExitCode == 0 && soa.StdOut.Trim().Length > 0) return servers;
                await Task.Delay(50);
            }
            throw new InvalidOperationException("the validating resolver did not answer");
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
    }

    /// <summary>dig's header flags for a query through the validating resolver (e.g. to see "ad").</summary>
    public async Task<string> DigAsync(string name, string type) =>
        (await Tools.RunAsync("dig", ["+dnssec", "@127.0.0.1", "-p", ResolverEndpoint.Split(':')[1], name, type])).StdOut;

    public async ValueTask DisposeAsync()
    {
        foreach (var pidFile in new[] { Path.Combine(_directory, "resolver", "named.pid"), Path.Combine(_directory, "auth", "named.pid") })
        {
            if (!File.Exists(pidFile) || !int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out var pid)) continue;
            try { using var p = Process.GetProcessById(pid); p.Kill(); await p.WaitForExitAsync(); }
            catch (ArgumentException) { } // already gone
        }
    }

    private static async Task Must(string tool, string[] args, string? workingDirectory = null)
    {
        var r = await Tools.RunAsync(tool, args, workingDirectory);
        if (r.ExitCode != 0) throw new InvalidOperationException($"{tool} failed: {r.All}");
    }
}
