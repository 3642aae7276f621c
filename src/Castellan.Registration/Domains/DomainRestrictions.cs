using Castellan.Registration.Contracts;

namespace Castellan.Registration.Domains;

/// <summary>Seed 003: names an account's administrator restricted (and their subdomains) are refused in orders.</summary>
public static class DomainRestrictions
{
    public static async Task<DomainRestricted?> CheckAsync(IDomainStore store, string accountId, IReadOnlyCollection<string> names, CancellationToken ct)
    {
        if (names.Count == 0) return null;
        var restricted = await store.ListRestrictionsAsync(accountId, ct);
        if (restricted.Count == 0) return null;
        var hits = names.Where(n => restricted.Any(r => DomainNames.IsWithin(n, r.Name))).ToList();
        return hits.Count > 0 ? new DomainRestricted(hits) : null;
    }
}
