using System.Collections.Concurrent;
using System.Diagnostics;
using Castellan.Authority.Contracts;
using Castellan.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Castellan.IntegrationTests.Nodes;

/// <summary>kill -9 of a server during a burst of issuance loses nothing that was returned, and the restart recovers.</summary>
[Collection(ServerProcesses.Name)]
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Clients = 8;
    private const int ReturnedBeforeKill = 60;

    // Reservations older than this at start-up are settled. In production the default (1 minute) leaves room for
    // other live nodes' in-flight issuance; here the restart waits this long after the kill, so every row the crash
    // left Reserved must be settled by the restart: resumed, since the issuing CA's software key signs deterministically.
    private const string StaleReservationAge = "00:00:01";

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Kill_9_during_an_issuance_burst_loses_no_returned_certificate_and_the_restart_recovers(string provider)
    {
        var data = TestPaths.NewDirectory($"crash-{provider}");
        var (storage, probe) = await NodeStorage.ForAsync(provider, data);
        var options = new[] { "--Castellan:Authority:StaleReservationAge", StaleReservationAge };

        await using var first = ServerProcess.Start(data, storage, keys: null, options);
        await first.WaitReadyAsync(ServerProcess.StartTimeout);

        // A burst from several clients; the server dies under it once enough certificates have come back.
        var returned = new ConcurrentDictionary<string, byte[]>();
        var failures = 0;
        using var enough = new CancellationTokenSource();
        var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                try
                {
                    var (serial, der) = await first.IssueAsync($"c{c}-{i}.crash.example.com");
                    returned[serial] = der;
                    if (returned.Count >= ReturnedBeforeKill) await enough.CancelAsync();
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
                {
                    Interlocked.Increment(ref failures);
                    return; // the server is gone
                }
            }
        })).ToList();
        await Task.Run(() => enough.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)));
        first.KillHard();
        var killed = Stopwatch.StartNew();
        await Task.WhenAll(clients);
        output.WriteLine($"{provider}: {returned.Count} certificates returned before kill -9, {failures} requests cut off");
        Assert.True(returned.Count >= ReturnedBeforeKill, $"only {returned.Count} certificates came back before the kill");

        var atCrash = await probe.CertificatesAsync();
        var leftReserved = atCrash.Values.Where(r => r.Status == CertificateStatus.Reserved).Select(r => r.Serial).ToList();
        output.WriteLine($"{provider}: {leftReserved.Count} rows left Reserved by the crash");

        var rest = TimeSpan.FromSeconds(1.5) - killed.Elapsed;
        if (rest > TimeSpan.Zero) await Task.Delay(rest);
        await using var second = first.Restart(options);
        await second.WaitReadyAsync(ServerProcess.StartTimeout);

        var stored = await probe.CertificatesAsync();
        foreach (var (serial, der) in returned)
        {
            Assert.True(stored.TryGetValue(serial, out var row), $"certificate {serial} was returned but is not in the database");
            Assert.Equal(CertificateStatus.Valid, row.Status);
            Assert.Equal(der, row.Der);
        }
        Assert.DoesNotContain(stored.Values, r => r.Status == CertificateStatus.Valid && r.Der is null);
        Assert.DoesNotContain(stored.Values, r => r.Status == CertificateStatus.Reserved);
        foreach (var serial in leftReserved)
        {
            // Signed from the TBS recorded before the crash: the certificate its client may or may not have received.
            Assert.Equal(CertificateStatus.Valid, stored[serial].Status);
            using var resumed = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(stored[serial].Der!);
            Assert.Equal(serial, SerialNumber.Parse(resumed.SerialNumber).Hex);
        }
        if (leftReserved.Count > 0) Assert.Equal(1, await probe.CountAsync("FROM audit_log WHERE \"Action\" = 'issuance.recovered'"));

        var (again, againDer) = await second.IssueAsync("after-restart.crash.example.com");
        Assert.Equal(againDer, (await probe.CertificatesAsync())[again].Der);
        var audit = await second.VerifyAuditAsync();
        Assert.True(audit.GetProperty("intact").GetBoolean(), $"audit chain broken after the crash: {audit}");
        Assert.Equal(1, await probe.CountAsync("FROM cas WHERE \"Kind\" = 0"));
    }
}
