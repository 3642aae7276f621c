using Castellan.IntegrationTests.Support;
using Castellan.Protocols.Acme.Contracts;
using Castellan.Validation.Contracts;

namespace Castellan.IntegrationTests.Storage;

/// <summary>
/// The ACME store and the validation evidence store write through the group commit (GroupCommit.RunAsync, plain SQL
/// from WriterSql). Concurrent writes share transactions, yet each must be stored exactly as given, each conditional
/// update must see the writes queued before it, and a refused write (a second account for one key) must fail alone.
/// </summary>
public abstract class AcmeGroupCommitTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : CastellanServer
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    [Fact]
    public async Task Concurrent_accounts_and_orders_are_each_stored_as_given()
    {
        var store = server.Get<IAcmeStore>();
        var accounts = Enumerable.Range(0, 24).Select(_ => Account()).ToList();
        Assert.All(await Task.WhenAll(accounts.Select(a => store.AddAccountAsync(a, CancellationToken.None))), Assert.True);
        var orders = accounts.Select(a => Order(a, $"gc-{a.Id}.example.com")).ToList();
        await Task.WhenAll(orders.Select(o => store.AddOrderAsync(o.Order, [o.Authorization], CancellationToken.None)));

        foreach (var a in accounts)
        {
            var stored = await store.FindAccountByKeyAsync(a.KeyThumbprint, CancellationToken.None);
            Assert.Equal(a.Id, stored?.Id);
            Assert.Equal(a.Contact, stored?.Contact);
        }
        foreach (var (order, authz) in orders)
        {
            var storedOrder = await store.GetOrderAsync(order.Id, CancellationToken.None);
            Assert.Equal(AcmeStatus.Pending, storedOrder?.Status);
            Assert.Equal(order.Identifiers, storedOrder?.Identifiers);
            Assert.Equal([authz.Id], storedOrder?.AuthorizationIds);
            Assert.Equal(order.NotAfter, storedOrder?.NotAfter);
            var storedAuthz = await store.GetAuthorizationAsync(authz.Id, CancellationToken.None);
            Assert.Equal(authz.Token, storedAuthz?.Token);
            Assert.Equal(authz.ChallengeTypes, storedAuthz?.ChallengeTypes);
            Assert.Equal(authz.Expires, storedAuthz?.Expires);
        }
    }

    [Fact]
    public async Task A_second_account_for_one_key_is_refused_alone_and_its_neighbours_are_stored()
    {
        var store = server.Get<IAcmeStore>();
        var first = Account();
        Assert.True(await store.AddAccountAsync(first, CancellationToken.None));

        var others = Enumerable.Range(0, 6).Select(_ => Account()).ToList();
        var results = await Task.WhenAll([store.AddAccountAsync(Account() with { KeyThumbprint = first.KeyThumbprint }, CancellationToken.None),
            .. others.Select(o => store.AddAccountAsync(o, CancellationToken.None))]);

        Assert.False(results[0]);
        Assert.All(results[1..], Assert.True);
        Assert.Equal(first.Id, (await store.FindAccountByKeyAsync(first.KeyThumbprint, CancellationToken.None))?.Id);
        foreach (var o in others) Assert.Equal(o.Id, (await store.GetAccountAsync(o.Id, CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task An_order_moves_through_its_conditional_updates_once_each()
    {
        var store = server.Get<IAcmeStore>();
        var account = Account();
        Assert.True(await store.AddAccountAsync(account, CancellationToken.None));
        var (order, authz) = Order(account, "flow.example.com");
        await store.AddOrderAsync(order, [authz], CancellationToken.None);

        // Two racing challenge POSTs, queued into the same batch: only the first starts validation.
        var started = await Task.WhenAll(store.StartChallengeAsync(authz.Id, "http-01", CancellationToken.None),
            store.StartChallengeAsync(authz.Id, "http-01", CancellationToken.None));
        Assert.Equal([true, false], started);
        Assert.Equal("http-01", (await store.GetAuthorizationAsync(authz.Id, CancellationToken.None))?.ProcessingChallenge);

        var outcome = new AuthorizationOutcome(authz.Id, order.Id, "http-01", true, Now, null);
        Assert.True(await store.CompleteAuthorizationAsync(outcome, CancellationToken.None));
        Assert.False(await store.CompleteAuthorizationAsync(outcome with { Valid = false, Error = "{}" }, CancellationToken.None));
        var validated = await store.GetAuthorizationAsync(authz.Id, CancellationToken.None);
        Assert.Equal(AcmeStatus.Valid, validated?.Status);
        Assert.Null(validated?.ProcessingChallenge);
        Assert.Equal(Now, validated?.ValidatedAt);
        Assert.Equal(AcmeStatus.Ready, (await store.GetOrderAsync(order.Id, CancellationToken.None))?.Status);

        // Two racing finalizes: one claims the order.
        var claimed = await Task.WhenAll(store.TransitionOrderAsync(order.Id, AcmeStatus.Ready, AcmeStatus.Processing, CancellationToken.None),
            store.TransitionOrderAsync(order.Id, AcmeStatus.Ready, AcmeStatus.Processing, CancellationToken.None));
        Assert.Equal([true, false], claimed);
        await store.FinishOrderAsync(new OrderOutcome(order.Id, Now, "0badc0de", "-----BEGIN CERTIFICATE-----", "ca-test", null, null), CancellationToken.None);
        var finished = await store.GetOrderAsync(order.Id, CancellationToken.None);
        Assert.Equal(AcmeStatus.Valid, finished?.Status);
        Assert.Equal("0badc0de", finished?.CertificateSerial);
        Assert.Equal(order.Id, (await store.FindOrderByCertificateAsync("0badc0de", CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task A_failed_validation_makes_the_order_invalid_with_the_error()
    {
        var store = server.Get<IAcmeStore>();
        var account = Account();
        Assert.True(await store.AddAccountAsync(account, CancellationToken.None));
        var (order, authz) = Order(account, "fails.example.com");
        await store.AddOrderAsync(order, [authz], CancellationToken.None);
        Assert.True(await store.StartChallengeAsync(authz.Id, "http-01", CancellationToken.None));

        Assert.True(await store.CompleteAuthorizationAsync(new AuthorizationOutcome(authz.Id, order.Id, "http-01", false, Now, "{\"status\":403}"), CancellationToken.None));

        var failed = await store.GetAuthorizationAsync(authz.Id, CancellationToken.None);
        Assert.Equal(AcmeStatus.Invalid, failed?.Status);
        Assert.Null(failed?.ValidatedAt);
        var invalid = await store.GetOrderAsync(order.Id, CancellationToken.None);
        Assert.Equal(AcmeStatus.Invalid, invalid?.Status);
        Assert.Equal("{\"status\":403}", invalid?.Error);
    }

    [Fact]
    public async Task Concurrent_validation_records_are_stored_and_found_for_reuse()
    {
        var evidence = server.Get<IValidationEvidenceStore>();
        var accountId = "acct_" + Guid.NewGuid().ToString("N");
        var records = Enumerable.Range(0, 12).Select(i => new ValidationRecord("val_" + Guid.NewGuid().ToString("N"), accountId,
            new Identifier(IdentifierType.Dns, $"r{i}.example.com"), $"r{i}.example.com", ValidationMethod.Http01, i % 2 == 0, "observed",
            [new PerspectiveObservation("primary", i % 2 == 0, "observed")], Now, Now, i % 2 == 0 ? Now.AddDays(10) : null)).ToList();
        await Task.WhenAll(records.Select(r => evidence.AddAsync(r, CancellationToken.None)));

        var found = await evidence.FindPassedAsync(accountId, ["r0.example.com", "r1.example.com", "r2.example.com"], Now.AddMinutes(-1), CancellationToken.None);

        Assert.Equal(["r0.example.com", "r2.example.com"], found.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.All(found, r => Assert.Equal("primary", Assert.Single(r.Observations).Perspective));
        Assert.Equal(Now.AddDays(10), found[0].ReusableUntil);
    }

    private static AcmeAccount Account() =>
        new("acct_" + Guid.NewGuid().ToString("N"), "default", Guid.NewGuid().ToString("N"), "{\"kty\":\"EC\"}", AcmeStatus.Valid,
            ["mailto:gc@example.com"], true, Now);

    private static (AcmeOrder Order, AcmeAuthorization Authorization) Order(AcmeAccount account, string name)
    {
        var orderId = "ord_" + Guid.NewGuid().ToString("N");
        var authz = new AcmeAuthorization("az_" + Guid.NewGuid().ToString("N"), orderId, account.Id, new Identifier(IdentifierType.Dns, name),
            AcmeStatus.Pending, Now.AddDays(7), ["http-01", "dns-01"], Guid.NewGuid().ToString("N"));
        var order = new AcmeOrder(orderId, account.Id, "default", AcmeStatus.Pending, Now.AddDays(7), [authz.Identifier], [authz.Id], "default", Now)
        {
            NotAfter = Now.AddDays(30),
        };
        return (order, authz);
    }
}

public sealed class AcmeGroupCommitOnSqlite(SqliteServer server) : AcmeGroupCommitTests<SqliteServer>(server);

public sealed class AcmeGroupCommitOnPostgres(PostgresServer server) : AcmeGroupCommitTests<PostgresServer>(server);
