using System.Net;
using System.Net.Http.Json;
using Castellan.Authority.Contracts;
using Castellan.Authority.Coordination;
using Castellan.Authority.Ocsp;
using Castellan.IntegrationTests.Support;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;

namespace Castellan.IntegrationTests.Storage;

/// <summary>The change feed as the stores write it and the follower applies it, on each provider.</summary>
public abstract class ChangeFeedTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : CastellanServer
{
    [Fact]
    public async Task Concurrent_revocations_each_appear_once_in_the_feed_in_increasing_positions()
    {
        var feed = server.Get<IChangeFeed>();
        var serials = new List<string>();
        for (var i = 0; i < 12; i++) serials.Add((await server.IssueAsync("tls-client", $"/CN=feed-{i}", null)).Serial);
        var start = await feed.HeadAsync(CancellationToken.None);

        var revocations = serials.Select(async s =>
        {
            using var r = await server.Client.PostAsJsonAsync($"/api/v1/certificates/{s}/revoke", new { reason = "superseded" });
            return r.StatusCode;
        });
        Assert.All(await Task.WhenAll(revocations), status => Assert.Equal(HttpStatusCode.OK, status));

        var entries = await feed.ReadAfterAsync(start, 100, CancellationToken.None);
        var mine = entries.Where(e => e.Kind == ChangeKind.CertificateStatus && serials.Contains(e.Serial!.Value.Hex)).ToList();
        Assert.Equal(serials.Order(), mine.Select(e => e.Serial!.Value.Hex).Order());
        Assert.All(mine, e => Assert.Equal("issuing-1", e.CaId));
        Assert.Equal(entries.Select(e => e.Position).Order(), entries.Select(e => e.Position));
        Assert.Equal(entries.Count, entries.Select(e => e.Position).Distinct().Count());
        Assert.Equal(entries[^1].Position, await feed.HeadAsync(CancellationToken.None));

        // A second revocation of the same certificate fails and writes nothing.
        using var again = await server.Client.PostAsJsonAsync($"/api/v1/certificates/{serials[0]}/revoke", new { reason = "superseded" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(entries[^1].Position, await feed.HeadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Following_a_revocation_drops_cached_answers_under_every_certid_form()
    {
        var issued = await server.IssueAsync("tls-client", "/CN=feed-cache", null);
        var cache = server.Get<OcspResponseCache>();
        var follower = server.Get<ChangeFeedFollower>();
        await follower.PollAsync(CancellationToken.None);
        // What a SHA-256 CertID request would have cached; pre-signing never writes this form, so only the follower's
        // (or the pre-signer's) drop-by-serial can remove it.
        var sha256Key = OcspResponseCache.Key("2.16.840.1.101.3.4.2.1", new byte[32], issued.Serial);
        cache.Put(sha256Key, new CachedOcspResponse([1, 2, 3], DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1)));
        Assert.True(cache.TryGet(sha256Key, DateTimeOffset.UtcNow, out _));

        // Revoke in the store directly, as another node would: this node's own revocation path is not involved.
        var serial = SerialNumber.Parse(issued.Serial);
        Assert.Equal(RevocationOutcome.Revoked, await server.Get<ICertificateStore>().RevokeAsync(serial, RevocationReason.KeyCompromise, DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.True(await follower.PollAsync(CancellationToken.None) >= 1);

        Assert.False(cache.TryGet(sha256Key, DateTimeOffset.UtcNow, out _), "a stale cached answer survived the change feed");
        Assert.Equal(await server.Get<IChangeFeed>().HeadAsync(CancellationToken.None), follower.Position);
    }

    [Fact]
    public async Task A_key_revocation_is_an_access_entry_and_empties_caller_caches_here_at_once_and_on_following_nodes()
    {
        var keys = server.Get<ApiKeyService>();
        var callers = server.Get<CallerCache>();
        var feed = server.Get<IChangeFeed>();
        var follower = server.Get<ChangeFeedFollower>();
        var (key, secret) = await keys.CreateAsync("feed-cache", Roles.OperatorAdministrator, "test", CancellationToken.None);
        Assert.NotNull(await keys.AuthenticateAsync(secret, CancellationToken.None));
        Assert.True(callers.TryGet(ApiKeyService.Hash(secret), out _), "the resolved caller was not cached");
        await follower.PollAsync(CancellationToken.None);
        var start = await feed.HeadAsync(CancellationToken.None);

        Assert.True(await server.Get<IApiKeyStore>().RevokeAsync(key.Id, DateTimeOffset.UtcNow, CancellationToken.None));

        // This node: emptied by the store at commit, so the very next request reads the revoked key.
        Assert.False(callers.TryGet(ApiKeyService.Hash(secret), out _));
        Assert.Null(await keys.AuthenticateAsync(secret, CancellationToken.None));
        var entries = await feed.ReadAfterAsync(start, 100, CancellationToken.None);
        Assert.Contains(entries, e => e.Kind == ChangeKind.Access);

        // Another node still holds the caller it resolved before the revocation; reading the feed drops it.
        var other = new Caller(key.Id, key.Name, key.Role) { IsOperator = true };
        callers.Put(ApiKeyService.Hash(secret), other, callers.Generation);
        Assert.True(await follower.PollAsync(CancellationToken.None) >= 1);
        Assert.False(callers.TryGet(ApiKeyService.Hash(secret), out _), "a cached caller survived an access change in the feed");

        // A refused revocation (already revoked) writes no entry.
        var head = await feed.HeadAsync(CancellationToken.None);
        Assert.False(await server.Get<IApiKeyStore>().RevokeAsync(key.Id, DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal(head, await feed.HeadAsync(CancellationToken.None));
    }
}

public sealed class ChangeFeedOnSqlite(SqliteServer server) : ChangeFeedTests<SqliteServer>(server);

public sealed class ChangeFeedOnPostgres(PostgresServer server) : ChangeFeedTests<PostgresServer>(server);
