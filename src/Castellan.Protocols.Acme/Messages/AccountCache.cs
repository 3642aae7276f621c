using System.Collections.Concurrent;
using Castellan.Protocols.Acme.Contracts;

namespace Castellan.Protocols.Acme.Messages;

/// <summary>
/// Every ACME POST names its account (kid); a client makes several per second while ordering. Accounts are kept here
/// for <see cref="Lifetime"/>, so the hot path reads each once per order, and dropped at once when this node changes
/// them. Another node's change (deactivation, key rollover) is seen here within <see cref="Lifetime"/>.
/// </summary>
internal sealed class AccountCache(IAcmeStore store)
{
    private const long Lifetime = 5_000;
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, (AcmeAccount Account, Jws.Jwk Key, long At)> _byId = new(StringComparer.Ordinal);

    public async Task<(AcmeAccount Account, Jws.Jwk Key)?> GetAsync(string id, CancellationToken ct)
    {
        var now = Environment.TickCount64;
        if (_byId.TryGetValue(id, out var hit) && now - hit.At < Lifetime) return (hit.Account, hit.Key);
        var account = await store.GetAccountAsync(id, ct);
        if (account is null) return null;
        var key = Jws.Jwk.Parse(account.Jwk) ?? throw new InvalidOperationException($"ACME account {id} has an unreadable stored key");
        Put(account, key);
        return (account, key);
    }

    public void Put(AcmeAccount account, Jws.Jwk key)
    {
        if (_byId.Count >= MaxEntries) _byId.Clear(); // crude bound: a refill costs one read per active account
        _byId[account.Id] = (account, key, Environment.TickCount64);
    }

    public void Forget(string id) => _byId.TryRemove(id, out _);
}
