using System.Formats.Asn1;
using Castellan.Authority.Contracts;
using Castellan.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Castellan.IntegrationTests.Nodes;

/// <summary>
/// A certificate's completion commits without waiting for the disk when the CA key signs deterministically
/// (docs/flows/issuance.md, step 5), so a power loss may drop it while its reservation, which holds the exact TBS,
/// was flushed. A power loss cannot be staged on loopback; its aftermath can: the database is put back into exactly
/// that state (the last completions and their audit entries gone, the reservations open with their TBS), and the
/// restart must give back the very bytes the clients received.
/// </summary>
[Collection(ServerProcesses.Name)]
public sealed class PowerLossRecoveryTests(ITestOutputHelper output)
{
    private const int Issued = 8;
    private const int Dropped = 3;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Completions_a_power_loss_dropped_are_re_signed_at_start_into_the_certificates_the_clients_received(string provider)
    {
        var data = TestPaths.NewDirectory($"power-loss-{provider}");
        var (storage, probe) = await NodeStorage.ForAsync(provider, data);

        var returned = new List<(string Serial, byte[] Der)>();
        await using (var first = ServerProcess.Start(data, storage, keys: null))
        {
            await first.WaitReadyAsync(ServerProcess.StartTimeout);
            // One at a time, so the last certificates' audit entries are the end of the chain, as after a power loss.
            for (var i = 0; i < Issued; i++) returned.Add(await first.IssueAsync($"n{i}.power-loss.example.com"));
            first.KillHard();
        }

        var lost = returned.TakeLast(Dropped).ToList();
        var lastKept = await probe.ColumnAsync($"SELECT CAST(MAX(\"Sequence\") AS TEXT) FROM audit_log WHERE \"Target\" = 'certificate:{returned[^(Dropped + 1)].Serial}'");
        foreach (var (serial, der) in lost)
        {
            // The reservation as step 3 wrote it, recorded long enough ago to be settled at start-up.
            Assert.Equal(1, await probe.ExecuteAsync(
                "UPDATE certificates SET \"Status\" = @p0, \"Der\" = NULL, \"Tbs\" = @p1, \"RecordedAt\" = \"RecordedAt\" - 600000 WHERE \"Serial\" = @p2",
                (int)CertificateStatus.Reserved, ToBeSigned(der), serial));
        }
        var droppedEntries = await probe.ExecuteAsync($"DELETE FROM audit_log WHERE \"Sequence\" > {lastKept.Single()}");
        Assert.Equal(Dropped, droppedEntries);

        await using var second = ServerProcess.Start(data, storage, keys: null);
        await second.WaitReadyAsync(ServerProcess.StartTimeout);

        var stored = await probe.CertificatesAsync();
        foreach (var (serial, der) in returned)
        {
            Assert.Equal(CertificateStatus.Valid, stored[serial].Status);
            Assert.Equal(der, stored[serial].Der);
        }
        Assert.Equal(0, await probe.CountAsync("FROM certificates WHERE \"Tbs\" IS NOT NULL"));
        Assert.Equal(Dropped, await probe.CountAsync("FROM audit_log WHERE \"Action\" = 'certificate.issued' AND \"Actor\" = 'system' AND \"DetailsJson\" LIKE '%\"resumed\":true%'"));
        var recovered = await probe.ColumnAsync("SELECT \"DetailsJson\" FROM audit_log WHERE \"Action\" = 'issuance.recovered'");
        Assert.Equal($"{{\"resumed\":{Dropped},\"abandoned\":0}}", Assert.Single(recovered));
        var audit = await second.VerifyAuditAsync();
        Assert.True(audit.GetProperty("intact").GetBoolean(), $"audit chain broken after the recovery: {audit}");

        // The recovered certificates are the same certificates to the outside world too.
        foreach (var (serial, der) in lost)
        {
            using var response = await second.Client.GetAsync($"/api/v1/certificates/{serial}?format=der");
            Assert.Equal(der, await response.Content.ReadAsByteArrayAsync());
        }
        output.WriteLine($"{provider}: {Dropped} of {Issued} completions dropped and re-signed identically");
    }

    private static byte[] ToBeSigned(byte[] certificate)
    {
        var outer = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence();
        return outer.ReadEncodedValue().ToArray();
    }
}
