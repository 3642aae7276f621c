using System.Collections.Concurrent;
using Castellan.Validation.Contracts;

namespace Castellan.Validation.Caa;

/// <summary>
/// CAA answers of one perspective, kept for their DNS TTL. RFC 8659 §3 lets a CA reuse a CAA RRset within its TTL, and
/// BR 3.2.2.8 bounds a check's reuse at the greater of the TTL and 8 hours; we take the TTL, capped by
/// <see cref="ValidationOptions.CaaCacheMaxAge"/>. Every issuance still evaluates CAA, from answers no older than the
/// zone allows. Every order of a busy client climbs through the same parents (RFC 8659 §3: o1.example.com, example.com,
/// com), so most of the climb comes from here. Failed lookups are never kept: a failure is a refusal, and the next
/// check asks again.
/// </summary>
internal sealed class CaaAnswerCache(TimeProvider time, TimeSpan maxAge, int capacity)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);

    private sealed record Entry(CaaProperty[] Records, long Expires);

    public bool Enabled => maxAge > TimeSpan.Zero && capacity > 0;

    public bool TryGet(string name, out CaaProperty[] records)
    {
        if (Enabled && _entries.TryGetValue(name, out var e))
        {
            if (time.GetTimestamp() < e.Expires)
            {
                records = e.Records;
                return true;
            }
            _entries.TryRemove(KeyValuePair.Create(name, e));
        }
        records = [];
        return false;
    }

    /// <summary>Keeps <paramref name="records"/> for <paramref name="ttl"/> (already the RRset's or the negative TTL), at most the configured age.</summary>
    public void Add(string name, CaaProperty[] records, TimeSpan ttl)
    {
        if (!Enabled || ttl <= TimeSpan.Zero) return;
        if (ttl > maxAge) ttl = maxAge;
        if (_entries.Count >= capacity && !_entries.ContainsKey(name))
        {
            // Bounded: drop what has expired; if every entry is still live, this answer is simply not kept.
            var now = time.GetTimestamp();
            foreach (var (key, e) in _entries)
                if (now >= e.Expires) _entries.TryRemove(KeyValuePair.Create(key, e));
            if (_entries.Count >= capacity) return;
        }
        _entries[name] = new Entry(records, time.GetTimestamp() + (long)(ttl.TotalSeconds * time.TimestampFrequency));
    }
}
