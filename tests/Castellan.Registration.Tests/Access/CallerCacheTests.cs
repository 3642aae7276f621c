using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace Castellan.Registration.Tests.Access;

public class CallerCacheTests
{
    private static readonly Caller Alice = new("key-1", "alice", "standard-user");

    [Fact]
    public void A_resolved_caller_is_served_until_its_lifetime_ends()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var cache = new CallerCache(clock);
        cache.Put("h1", Alice, cache.Generation);

        Assert.True(cache.TryGet("h1", out var hit));
        Assert.Same(Alice, hit);
        clock.Advance(CallerCache.Lifetime - TimeSpan.FromMilliseconds(1));
        Assert.True(cache.TryGet("h1", out _));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(cache.TryGet("h1", out _));
    }

    [Fact]
    public void An_access_change_drops_every_cached_caller()
    {
        var cache = new CallerCache(new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        cache.Put("h1", Alice, cache.Generation);
        cache.Put("h2", Alice with { KeyId = "key-2" }, cache.Generation);

        cache.AccessChanged();

        Assert.False(cache.TryGet("h1", out _));
        Assert.False(cache.TryGet("h2", out _));
    }

    [Fact]
    public void A_caller_resolved_before_a_change_committed_is_never_cached()
    {
        // A request reads the key, the key is revoked meanwhile, then the request stores what it read.
        var cache = new CallerCache(new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        var readUnder = cache.Generation;
        cache.AccessChanged();
        cache.Put("h1", Alice, readUnder);

        Assert.False(cache.TryGet("h1", out _));
    }
}
