using System.Net.Http;
using Castellan.IntegrationTests.Acme;
using Castellan.IntegrationTests.Support;

namespace Castellan.IntegrationTests.Nodes;

/// <summary>RFC 8555 §6.5 on two nodes of one PostgreSQL database: a nonce is good on any node, and good once.</summary>
[Collection(ServerProcesses.Name)]
public sealed class AcmeNoncesAcrossNodesTests
{
    private const string BadNonce = "urn:ietf:params:acme:error:badNonce";

    /// <summary>Long enough for a request on a loaded machine, short enough to wait out in the expiry test.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task A_nonce_from_node_a_is_accepted_once_by_node_b_and_refused_when_replayed_at_a_and_forged_or_expired_nonces_are_refused()
    {
        var database = await TestDatabases.CreateAsync();
        var storage = SeveralNodesTests.PostgresArguments(database);
        var keys = SharedKeys.Create();
        string[] acme = ["--Castellan:Acme:NonceLifetime", Lifetime.ToString("c", System.Globalization.CultureInfo.InvariantCulture)];
        await using var a = ServerProcess.Start(TestPaths.NewDirectory("nonce-a"), storage, keys, acme);
        await using var b = ServerProcess.Start(TestPaths.NewDirectory("nonce-b"), storage, keys, acme);
        await Task.WhenAll(a.WaitReadyAsync(ServerProcess.StartTimeout), b.WaitReadyAsync(ServerProcess.StartTimeout));

        using var atA = new AcmeTestClient(a.BaseUrl + "/acme/directory");
        using var atB = new AcmeTestClient(b.BaseUrl + "/acme/directory") { Key = atA.Key };
        await atA.LoadDirectoryAsync();
        await atB.LoadDirectoryAsync();
        var payload = new { termsOfServiceAgreed = true };

        // 1. Issued by A, redeemed by B: accepted (B never saw it issued).
        var fromA = await FreshNonceAsync(atA);
        var created = await atB.PostAsync(atB.Url("newAccount"), payload, useJwk: true, nonce: fromA);
        Assert.True(created.Status == 201, $"newAccount at B with A's nonce: {created}");

        // 2. The same nonce replayed at A, the node that issued it: refused.
        var replayed = await atA.PostAsync(atA.Url("newAccount"), payload, useJwk: true, nonce: fromA);
        Assert.Equal(400, replayed.Status);
        Assert.Equal(BadNonce, replayed.ProblemType);
        // And replayed at B as well.
        var again = await atB.PostAsync(atB.Url("newAccount"), payload, useJwk: true, nonce: fromA);
        Assert.Equal(BadNonce, again.ProblemType);

        // A fresh nonce from A still works at A (the account exists now: 200).
        var fresh = await atA.PostAsync(atA.Url("newAccount"), payload, useJwk: true, nonce: await FreshNonceAsync(atA));
        Assert.True(fresh.Status == 200, $"newAccount at A with A's fresh nonce: {fresh}");

        // 3. Forged: one character of the MAC changed, and a random value of the right length.
        var genuine = await FreshNonceAsync(atA);
        var altered = genuine[..^2] + (genuine[^2] == 'A' ? 'B' : 'A') + genuine[^1];
        var forged = await atB.PostAsync(atB.Url("newAccount"), payload, useJwk: true, nonce: altered);
        Assert.Equal(BadNonce, forged.ProblemType);
        var random = AcmeTestClient.B64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(37));
        var invented = await atB.PostAsync(atB.Url("newAccount"), payload, useJwk: true, nonce: random);
        Assert.Equal(BadNonce, invented.ProblemType);
        // The genuine one was not burnt by the forgeries.
        var stillGood = await atB.PostAsync(atB.Url("newAccount"), payload, useJwk: true, nonce: genuine);
        Assert.True(stillGood.Status == 200, $"the untouched nonce after forgeries: {stillGood}");

        // 4. Expired: issued by A, presented at B after the configured lifetime.
        var old = await FreshNonceAsync(atA);
        await Task.Delay(Lifetime + TimeSpan.FromSeconds(1));
        var late = await atB.PostAsync(atB.Url("newAccount"), payload, useJwk: true, nonce: old);
        Assert.Equal(BadNonce, late.ProblemType);

        // Single use is the database's: one row per accepted nonce (three accepted above), none for refused ones.
        var probe = DatabaseProbe.Postgres(database);
        Assert.Equal(3, await probe.CountAsync("FROM acme_used_nonces"));
        Assert.Equal(1, await probe.CountAsync("FROM acme_secrets"));
    }

    private static async Task<string> FreshNonceAsync(AcmeTestClient c)
    {
        using var http = new HttpClient();
        using var r = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, c.Url("newNonce")));
        return r.Headers.GetValues("Replay-Nonce").First();
    }
}
