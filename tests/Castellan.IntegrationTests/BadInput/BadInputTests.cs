using System.Text.Json;
using Castellan.IntegrationTests.Support;
using Org.BouncyCastle.Ocsp;

namespace Castellan.IntegrationTests.BadInput;

/// <summary>
/// Every malformed or refused request gets its 4xx with an RFC 9457 problem (or, on OCSP, a malformedRequest
/// OCSPResponse) and leaves nothing behind: no certificate row, no revocation, no audit entry, no key file, no CA,
/// no profile.
/// </summary>
public abstract class BadInputTests<TServer>(BadInputFixture<TServer> fixture) : IClassFixture<BadInputFixture<TServer>>
    where TServer : CastellanServer, new()
{
    [Fact]
    public void Corpus_has_at_least_60_cases() => Assert.True(BadInputCorpus.All.Count >= 60, $"only {BadInputCorpus.All.Count} cases");

    [Theory]
    [MemberData(nameof(BadInputCorpus.ProblemCases), MemberType = typeof(BadInputCorpus))]
    public async Task Bad_request_gets_a_problem_and_stores_nothing(string name)
    {
        var c = BadInputCorpus.Find(name);
        var before = await fixture.SnapshotAsync();

        using var request = c.Request(fixture.Materials);
        using var response = await fixture.Server.Anonymous.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(c.Status == (int)response.StatusCode, $"{name}: wanted {c.Status}, got {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(c.Status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.TryGetProperty("detail", out var d) ? d.GetString() : null), $"{name}: no detail in {body}");
        if (c.Rule is not null)
            Assert.True(problem.TryGetProperty("rule", out var rule) && rule.GetString() == c.Rule, $"{name}: wanted rule {c.Rule} in {body}");

        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(BadInputCorpus.OcspCases), MemberType = typeof(BadInputCorpus))]
    public async Task Malformed_ocsp_request_gets_malformedRequest(string name)
    {
        var c = BadInputCorpus.Find(name);
        var before = await fixture.SnapshotAsync();

        using var request = c.Request(fixture.Materials);
        using var response = await fixture.Server.Anonymous.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.True(c.Status == (int)response.StatusCode, $"{name}: wanted {c.Status}, got {(int)response.StatusCode}");
        Assert.Equal("application/ocsp-response", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(OcspRespStatus.MalformedRequest, new OcspResp(bytes).Status);
        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    [Fact]
    public async Task Openssl_reads_the_malformedRequest_answer()
    {
        var dir = TestPaths.NewDirectory("ocsp-bad");
        var response = Path.Combine(dir, "resp.der");
        await File.WriteAllBytesAsync(response, await fixture.Server.Anonymous.GetByteArrayAsync("/ocsp/AAAA"));
        var printed = await Tools.OpenSslAsync("ocsp", "-respin", response, "-resp_text", "-noverify");
        Assert.Contains("malformedrequest", printed.All, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Audit_chain_is_intact_after_the_corpus_ran()
    {
        var verdict = await fixture.Server.Client.GetStringAsync("/api/v1/audit/verify");
        Assert.Contains("\"intact\":true", verdict);
    }
}

public sealed class BadInputOnSqlite(BadInputFixture<SqliteServer> fixture) : BadInputTests<SqliteServer>(fixture);

public sealed class BadInputOnPostgres(BadInputFixture<PostgresServer> fixture) : BadInputTests<PostgresServer>(fixture);
