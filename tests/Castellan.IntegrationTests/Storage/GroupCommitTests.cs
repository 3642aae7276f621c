using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.Storage;

/// <summary>
/// Group commit (Castellan.Storage/Stores/GroupCommit/) batches reservations, completions and audit entries of
/// concurrent issuances into shared transactions. Under concurrency every certificate must still be stored and
/// audited exactly once, the audit chain must stay whole, and one bad write must fail only its own caller.
/// </summary>
public abstract class GroupCommitTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : CastellanServer
{
    [Fact]
    public async Task Concurrent_issuances_are_each_stored_and_audited_once_and_the_chain_verifies()
    {
        const int count = 48;
        var csrs = Enumerable.Range(0, count).Select(i => Tools.P256CsrPem($"gc{i}.castellan-tests.com")).ToList();

        var responses = await Task.WhenAll(csrs.Select(async csr =>
        {
            using var r = await server.Client.PostAsJsonAsync("/api/v1/certificates", new { profile = "tls-server", csr });
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("serialNumber").GetString()!;
        }));

        Assert.Equal(count, responses.Distinct().Count());
        var store = server.Get<ICertificateStore>();
        foreach (var serial in responses)
        {
            var stored = await store.GetAsync(SerialNumber.Parse(serial), CancellationToken.None);
            Assert.Equal(CertificateStatus.Valid, stored?.Status);
            Assert.NotNull(stored?.Der);
        }
        var audit = server.Get<IAuditLog>();
        Assert.Null(await AuditChain.VerifyAsync(audit.ReadAllAsync(CancellationToken.None), CancellationToken.None));
        var issuedTargets = new List<string>();
        await foreach (var e in audit.ReadAllAsync(CancellationToken.None))
            if (e.Action == "certificate.issued") issuedTargets.Add(e.Target);
        foreach (var serial in responses) Assert.Single(issuedTargets, t => t == $"certificate:{serial}");
    }

    [Fact]
    public async Task A_duplicate_serial_in_a_batch_is_refused_alone_and_its_neighbours_are_reserved()
    {
        var store = server.Get<ICertificateStore>();
        var taken = Reservation();
        Assert.True(await store.ReserveAsync(taken, CancellationToken.None));

        var others = Enumerable.Range(0, 6).Select(_ => Reservation()).ToList();
        var results = await Task.WhenAll([store.ReserveAsync(taken with { TbsHash = [1, 2, 3] }, CancellationToken.None),
            .. others.Select(o => store.ReserveAsync(o, CancellationToken.None))]);

        Assert.False(results[0]);
        Assert.All(results[1..], Assert.True);
        foreach (var o in others) Assert.Equal(CertificateStatus.Reserved, (await store.GetAsync(o.Serial, CancellationToken.None))?.Status);
    }

    [Fact]
    public async Task Completing_a_serial_that_was_never_reserved_fails_only_that_caller()
    {
        var store = server.Get<ICertificateStore>();
        var open = Reservation();
        Assert.True(await store.ReserveAsync(open, CancellationToken.None));

        var bad = store.CompleteAsync(SerialNumber.NewRandom(), [0x30, 0x00], CancellationToken.None);
        var good = store.CompleteAsync(open.Serial, [0x30, 0x03, 0x02, 0x01, 0x01], CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        await good;
        var stored = await store.GetAsync(open.Serial, CancellationToken.None);
        Assert.Equal(CertificateStatus.Valid, stored?.Status);
        Assert.Equal([0x30, 0x03, 0x02, 0x01, 0x01], stored?.Der);
    }

    private static IssuedCertificate Reservation() => new()
    {
        Serial = SerialNumber.NewRandom(), CaId = "group-commit-test", ProfileId = "tls-server", SubjectDn = "CN=gc.castellan-tests.com",
        Sans = ["dns:gc.castellan-tests.com"], NotBefore = DateTimeOffset.UtcNow, NotAfter = DateTimeOffset.UtcNow.AddDays(1),
        Status = CertificateStatus.Reserved, RecordedAt = DateTimeOffset.UtcNow, RequestedBy = "test", TbsHash = RandomNumberGenerator.GetBytes(32),
    };
}

public sealed class GroupCommitOnSqlite(SqliteServer server) : GroupCommitTests<SqliteServer>(server);

public sealed class GroupCommitOnPostgres(PostgresServer server) : GroupCommitTests<PostgresServer>(server);
