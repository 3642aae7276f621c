using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Castellan.Authority.Contracts;
using Castellan.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Castellan.IntegrationTests.Nodes;

/// <summary>Two server processes on one PostgreSQL database, started together on an empty database.</summary>
[Collection(ServerProcesses.Name)]
public sealed class SeveralNodesTests(ITestOutputHelper output)
{
    private const int TasksPerNode = 8;
    private const int CertificatesPerTask = 15;

    [Fact]
    public async Task Two_nodes_started_together_create_one_hierarchy_and_issue_concurrently_without_duplicate_serials()
    {
        var database = await TestDatabases.CreateAsync();
        var storage = PostgresArguments(database);
        var keys = SharedKeys.Create();
        var started = Stopwatch.StartNew();
        await using var a = ServerProcess.Start(TestPaths.NewDirectory("node-a"), storage, keys);
        await using var b = ServerProcess.Start(TestPaths.NewDirectory("node-b"), storage, keys);
        await Task.WhenAll(a.WaitReadyAsync(ServerProcess.StartTimeout), b.WaitReadyAsync(ServerProcess.StartTimeout));
        output.WriteLine($"both nodes ready after {started.ElapsedMilliseconds} ms");

        var issued = new ConcurrentBag<(string Node, string Serial, byte[] Der)>();
        var burst = Stopwatch.StartNew();
        var clients = new[] { a, b }.SelectMany(node => Enumerable.Range(0, TasksPerNode).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < CertificatesPerTask; i++)
            {
                var (serial, der) = await node.IssueAsync($"n{node.Port}-t{t}-{i}.example.com");
                issued.Add((node.BaseUrl, serial, der));
            }
        })));
        await Task.WhenAll(clients);
        output.WriteLine($"{issued.Count} certificates on two nodes in {burst.ElapsedMilliseconds} ms");

        const int expected = 2 * TasksPerNode * CertificatesPerTask;
        Assert.Equal(expected, issued.Count);
        Assert.Equal(expected, issued.Select(i => i.Serial).Distinct().Count());
        Assert.Equal(expected / 2, issued.Count(i => i.Node == a.BaseUrl));

        var probe = DatabaseProbe.Postgres(database);
        var stored = await probe.CertificatesAsync();
        foreach (var (_, serial, der) in issued)
        {
            Assert.True(stored.TryGetValue(serial, out var row), $"certificate {serial} was returned but is not in the database");
            Assert.Equal(CertificateStatus.Valid, row.Status);
            Assert.Equal(der, row.Der);
        }
        Assert.Equal(0, await probe.CountAsync("FROM certificates WHERE \"Status\" = 1 AND \"Der\" IS NULL"));

        // Start-up ran once: one root, one issuing CA, one administrator key, one "initialised" audit entry.
        Assert.Equal(1, await probe.CountAsync($"FROM cas WHERE \"Kind\" = {(int)CaKind.Root}"));
        Assert.Equal(1, await probe.CountAsync($"FROM cas WHERE \"Kind\" = {(int)CaKind.Intermediate}"));
        Assert.Equal(1, await probe.CountAsync("FROM api_keys"));
        Assert.Equal(1, await probe.CountAsync("FROM audit_log WHERE \"Action\" = 'authority.initialised'"));
        // Exactly one certificate.issued entry per returned certificate, and none for a certificate nobody received:
        // on a mismatch, say which targets were doubled or unknown (a replayed batch or a request the client retried).
        var audited = await probe.ColumnAsync("SELECT \"Target\" FROM audit_log WHERE \"Action\" = 'certificate.issued' AND \"Actor\" <> 'system'");
        var returned = issued.Select(i => $"certificate:{i.Serial}").ToHashSet();
        var doubled = audited.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var unknown = audited.Where(t => !returned.Contains(t)).ToList();
        Assert.True(audited.Count == expected && doubled.Count == 0 && unknown.Count == 0,
            $"{audited.Count} certificate.issued entries for {expected} certificates; doubled: [{string.Join(", ", doubled)}]; not returned to any client: [{string.Join(", ", unknown)}]");

        foreach (var node in new[] { a, b })
        {
            var audit = await node.VerifyAuditAsync();
            Assert.True(audit.GetProperty("intact").GetBoolean(), $"audit chain broken as seen by {node.BaseUrl}: {audit}");
        }
    }

    internal static IReadOnlyList<string> PostgresArguments(string connectionString) =>
        ["--Castellan:Storage:Provider", "postgres", "--Castellan:Storage:ConnectionString", connectionString];
}

/// <summary>Two nodes on one PostgreSQL database for the cache-coherence tests.</summary>
public sealed class TwoNodes : IAsyncLifetime
{
    public ServerProcess A { get; private set; } = null!;
    public ServerProcess B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var storage = SeveralNodesTests.PostgresArguments(await TestDatabases.CreateAsync());
        var keys = SharedKeys.Create();
        A = ServerProcess.Start(TestPaths.NewDirectory("node-a"), storage, keys);
        B = ServerProcess.Start(TestPaths.NewDirectory("node-b"), storage, keys);
        await Task.WhenAll(A.WaitReadyAsync(ServerProcess.StartTimeout), B.WaitReadyAsync(ServerProcess.StartTimeout));
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}

/// <summary>Each node caches the CA directory and pre-signed OCSP answers; the change feed keeps them in step.</summary>
[Collection(ServerProcesses.Name)]
public sealed class CrossNodeCacheTests(TwoNodes nodes, ITestOutputHelper output) : IClassFixture<TwoNodes>
{
    /// <summary>One poll interval (1 s by default) plus signing and openssl; generous for a loaded 2-core machine.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Revocation_on_node_a_is_answered_revoked_by_node_b_ocsp_within_seconds()
    {
        var files = await IssueWithFilesAsync(nodes.A, "revoke-across.example.com");

        // Node B answers "good" first, which leaves a cached "good" answer there that the revocation must displace.
        var before = await OcspAsync(nodes.B, files);
        Assert.Contains($"{files.Leaf}: good", before.StdOut);
        Assert.Contains("Response verify OK", before.All);

        using var revoke = await nodes.A.Client.PostAsJsonAsync($"/api/v1/certificates/{files.Serial}/revoke", new { reason = "keyCompromise" });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var clock = Stopwatch.StartNew();

        Tools.Output answer;
        do
        {
            answer = await OcspAsync(nodes.B, files);
            if (answer.StdOut.Contains($"{files.Leaf}: revoked", StringComparison.Ordinal)) break;
            await Task.Delay(100);
        }
        while (clock.Elapsed < Bound * 2);
        output.WriteLine($"node B said revoked {clock.ElapsedMilliseconds} ms after node A's revocation returned");

        Assert.Contains($"{files.Leaf}: revoked", answer.StdOut);
        Assert.Contains("Reason: keyCompromise", answer.StdOut);
        Assert.Contains("Response verify OK", answer.All);
        Assert.True(clock.Elapsed < Bound, $"node B took {clock.Elapsed} to answer revoked; wanted under {Bound}");
    }

    [Fact]
    public async Task A_ca_created_on_node_a_issues_on_node_b_within_seconds()
    {
        // Node B loads its CA directory now, so it holds a copy without the new CA.
        using var list = await nodes.B.Client.GetAsync("/api/v1/cas");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.DoesNotContain("issuing-across", await list.Content.ReadAsStringAsync());

        using var created = await nodes.A.Client.PostAsJsonAsync("/api/v1/cas",
            new { id = "issuing-across", subject = "CN=Castellan Issuing CA Across,O=Castellan", parent = "root", pathLength = 0 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var clock = Stopwatch.StartNew();

        HttpStatusCode status;
        do
        {
            using var seen = await nodes.B.Client.GetAsync("/api/v1/cas/issuing-across");
            status = seen.StatusCode;
            if (status == HttpStatusCode.OK) break;
            await Task.Delay(100);
        }
        while (clock.Elapsed < Bound * 2);
        output.WriteLine($"node B knew the new CA {clock.ElapsedMilliseconds} ms after node A created it");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(clock.Elapsed < Bound, $"node B took {clock.Elapsed} to see the new CA; wanted under {Bound}");

        var issued = await IssueWithFilesAsync(nodes.B, "across.example.com", issuer: "issuing-across");
        var text = await Tools.OpenSslAsync("x509", "-in", issued.Leaf, "-noout", "-issuer");
        Assert.Contains("Castellan Issuing CA Across", text.StdOut);
    }

    private static async Task<IssuedFiles> IssueWithFilesAsync(ServerProcess node, string name, string? issuer = null)
    {
        var dir = TestPaths.NewDirectory("across");
        var csr = await Tools.NewCsrAsync(dir, "ec:P-256", $"/CN={name}", $"DNS:{name}");
        using var response = await node.Client.PostAsJsonAsync("/api/v1/certificates",
            new { profile = "tls-server", csr = await File.ReadAllTextAsync(csr), issuer });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"issuance on {node.BaseUrl}: {(int)response.StatusCode} {json}");
        var leaf = Path.Combine(dir, "leaf.pem");
        var chain = Path.Combine(dir, "chain.pem");
        await File.WriteAllTextAsync(leaf, json.GetProperty("certificatePem").GetString());
        await File.WriteAllTextAsync(chain, json.GetProperty("chainPem").GetString());
        var certs = Tools.SplitPem(await File.ReadAllTextAsync(chain));
        var issuerFile = Path.Combine(dir, "issuer.pem");
        var root = Path.Combine(dir, "root.pem");
        await File.WriteAllTextAsync(issuerFile, certs[0]);
        await File.WriteAllTextAsync(root, certs[^1]);
        return new IssuedFiles(json.GetProperty("serialNumber").GetString()!, dir, leaf, chain, issuerFile, root, Path.Combine(dir, "key.pem"));
    }

    // -no_nonce: a request with a nonce is always signed afresh from the database; the cached answer is what can go stale.
    private static Task<Tools.Output> OcspAsync(ServerProcess node, IssuedFiles files) =>
        Tools.OpenSslAsync("ocsp", "-issuer", files.Issuer, "-cert", files.Leaf, "-url", $"{node.BaseUrl}/ocsp", "-CAfile", files.Chain, "-no_nonce");
}
