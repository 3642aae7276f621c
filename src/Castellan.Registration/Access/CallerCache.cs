using System.Collections.Concurrent;
using Castellan.Authority.Coordination;
using Castellan.Registration.Contracts;

namespace Castellan.Registration.Access;

/// <summary>
/// Resolved API-key callers by key hash, so a request does not read the key, user, membership, account and role from
/// the database each time. An entry lives at most <see cref="Lifetime"/>, and every access change empties the cache:
/// at once for a change committed on this node, within one change-feed poll for one committed elsewhere. Entries carry
/// the generation they were resolved under; a change bumps it first, so a resolution that raced the change is never used.
/// Unknown or refused keys are not cached: the next request asks the database again.
/// </summary>
public sealed class CallerCache(TimeProvider clock) : IAccessChangeListener
{
    /// <summary>Also the bound on staleness should a change ever reach neither path (e.g. a row edited by hand).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>Read before resolving a caller from the database; pass it to <see cref="Put"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(string keyHash, out Caller caller)
    {
        caller = null!;
        if (!_entries.TryGetValue(keyHash, out var e)) return false;
        if (e.Generation != Generation || clock.GetUtcNow() >= e.Expires)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(keyHash, e));
            return false;
        }
        caller = e.Caller;
        return true;
    }

    public void Put(string keyHash, Caller caller, long generation)
    {
        if (generation != Generation) return;
        if (_entries.Count >= MaxEntries) _entries.Clear(); // many distinct keys in one second: cheaper to start over
        _entries[keyHash] = new Entry(caller, generation, clock.GetUtcNow() + Lifetime);
    }

    public void AccessChanged()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    private sealed record Entry(Caller Caller, long Generation, DateTimeOffset Expires);
}
