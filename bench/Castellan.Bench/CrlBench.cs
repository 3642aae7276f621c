using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Castellan.Authority;
using Castellan.Authority.Contracts;
using Castellan.Authority.Crl;
using Castellan.Authority.KeyStores.Software;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Castellan.Bench;

/// <summary>
/// CRL generation through the Authority's own path (CrlPublisher.Sign: CrlEncoder, then the key in custody signs),
/// with a P-256 key from the software key store. Each size runs in a child process so its peak memory is its own.
/// </summary>
internal static class CrlBench
{
    public sealed record Outcome(int Entries, double Seconds, long Bytes, double PeakRssMb, double BaseRssMb, double AllocatedMb, string CrlPath, string CaPath);

    /// <summary>The child: builds <paramref name="entries"/> revoked entries, then times encode + sign of one CRL.</summary>
    public static int RunChild(int entries, string dir)
    {
        Directory.CreateDirectory(dir);
        var store = new SoftwareKeyStore(Options.Create(new SoftwareKeyStoreOptions { Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)) }),
            new DataDirectory(dir), NullLogger<SoftwareKeyStore>.Instance);
        var reference = store.GenerateAsync(KeyAlgorithm.EcP256, "bench-crl", CancellationToken.None).GetAwaiter().GetResult();
        var key = store.Open(reference, KeyAlgorithm.EcP256);

        // A CA certificate for that key, so openssl can check the CRL signature.
        var subject = new X500DistinguishedName("CN=Castellan CRL bench CA");
        var now = DateTimeOffset.UtcNow;
        var ca = new CertificateRequest(subject, key.PublicKey, key.Hash);
        ca.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        ca.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ski = new X509SubjectKeyIdentifierExtension(key.PublicKey, false);
        ca.CertificateExtensions.Add(ski);
        using var caCert = ca.Create(subject, key.Generator, now.AddMinutes(-5), now.AddDays(30), [1]);
        var caPath = Path.Combine(dir, "ca.pem");
        File.WriteAllText(caPath, caCert.ExportCertificatePem());

        // What ListRevokedAsync hands the publisher: random 128-bit serials, a spread of times and reasons.
        var list = new List<RevokedEntry>(entries);
        var reasons = new[] { RevocationReason.Unspecified, RevocationReason.KeyCompromise, RevocationReason.Superseded, RevocationReason.CessationOfOperation };
        for (var i = 0; i < entries; i++)
            list.Add(new RevokedEntry(SerialNumber.NewRandom(), now.AddSeconds(-i), reasons[i % reasons.Length]));
        GC.Collect();
        var baseRss = PeakRssMb();

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var thisUpdate = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var der = CrlPublisher.Sign(key, subject.RawData, ski.SubjectKeyIdentifierBytes.ToArray(), thisUpdate, thisUpdate.AddDays(7), list, 1);
        var seconds = clock.Elapsed.TotalSeconds;
        var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1048576.0;
        var crlPath = Path.Combine(dir, $"crl-{entries}.der");
        File.WriteAllBytes(crlPath, der);
        Console.WriteLine(JsonSerializer.Serialize(new Outcome(entries, seconds, der.Length, PeakRssMb(), baseRss, allocated, crlPath, caPath)));
        return 0;
    }

    /// <summary>VmHWM: the most resident memory this process has ever had.</summary>
    private static double PeakRssMb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }

    public static async Task<Outcome> RunAsync(int entries, string workRoot)
    {
        var dir = Processes.NewDirectory(workRoot, "crl");
        var self = typeof(CrlBench).Assembly.Location;
        var (code, output) = await Processes.RunAsync("dotnet", [self, "crl-one", entries.ToString(CultureInfo.InvariantCulture), dir], TimeSpan.FromMinutes(3));
        if (code != 0) throw new InvalidOperationException($"CRL child for {entries} entries failed: {output}");
        var json = output.Split('\n').Last(l => l.StartsWith('{'));
        return JsonSerializer.Deserialize<Outcome>(json) ?? throw new InvalidOperationException("the CRL child printed no result");
    }

    /// <summary><c>openssl crl -inform DER -in CRL -CAfile CA -noout</c> must print "verify OK"; returns its time.</summary>
    public static async Task<double> OpenSslVerifyAsync(Outcome o)
    {
        var clock = Stopwatch.StartNew();
        var (code, output) = await Processes.RunAsync("openssl", ["crl", "-inform", "DER", "-in", o.CrlPath, "-CAfile", o.CaPath, "-noout"], TimeSpan.FromMinutes(2));
        if (code != 0 || !output.Contains("verify OK", StringComparison.Ordinal))
            throw new InvalidOperationException($"openssl crl -verify refused the {o.Entries}-entry CRL: {output}");
        var seconds = clock.Elapsed.TotalSeconds;
        var count = await Processes.RunAsync("sh", ["-c", $"openssl crl -inform DER -in '{o.CrlPath}' -noout -text | grep -c 'Serial Number:'"], TimeSpan.FromMinutes(2));
        if (int.Parse(count.Output.Trim(), CultureInfo.InvariantCulture) != o.Entries)
            throw new InvalidOperationException($"openssl lists {count.Output.Trim()} entries in the CRL, not {o.Entries}");
        return seconds;
    }
}
