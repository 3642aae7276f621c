using Castellan.Validation.Contracts;
using Castellan.Validation.Perspectives;

namespace Castellan.Validation.Caa;

/// <summary>The Relevant RRset as one perspective found it, or why it could not be found.</summary>
internal sealed record CaaLookup(string? RelevantDomain, IReadOnlyList<CaaProperty> Records);

/// <summary>RFC 8659 §3 tree climbing through one perspective's resolvers.</summary>
internal static class CaaChecker
{
    /// <summary>
    /// The first non-empty CAA RRset climbing from the name towards the root. A lookup that fails (SERVFAIL, REFUSED,
    /// timeout) ends the climb with an error: BR 3.2.2.8 allows treating a failure as permission only in narrow DNSSEC
    /// cases we do not rely on.
    /// </summary>
    public static async Task<Result<CaaLookup>> FindRelevantAsync(DnsLookup dns, string name, CancellationToken ct)
    {
        foreach (var candidate in CaaPolicy.ClimbingOrder(name))
        {
            var records = await dns.CaaAsync(candidate, ct);
            if (records.IsError) return records.Error;
            if (records.Value.Count > 0) return new CaaLookup(candidate, records.Value);
        }
        return new CaaLookup(null, []);
    }
}
