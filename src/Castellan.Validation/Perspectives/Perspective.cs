using System.Net;
using Castellan.Validation.Caa;

namespace Castellan.Validation.Perspectives;

/// <summary>
/// One network perspective (BR 3.2.2.9): its resolvers and the address its connections leave from. The primary is the
/// one whose result counts; remote ones corroborate it.
/// </summary>
internal sealed record Perspective(string Name, bool IsPrimary, DnsLookup Dns, IPAddress? SourceAddress);

/// <summary>The primary perspective (from <c>Castellan:Validation:DnsResolvers</c>) and the configured remote ones.</summary>
internal sealed class PerspectiveSet
{
    public PerspectiveSet(ValidationOptions o, TimeProvider time)
    {
        // Each perspective keeps its own CAA answers: corroboration compares what each one saw through its own resolvers.
        DnsLookup Lookup(IReadOnlyList<string> resolvers) =>
            new(resolvers, o.AttemptTimeout, new CaaAnswerCache(time, o.CaaCacheMaxAge, o.CaaCacheCapacity), o.RequireAuthenticatedData);
        Primary = new Perspective("primary", true, Lookup(o.DnsResolvers), null);
        Remote = o.Perspectives.Select((p, i) => new Perspective(string.IsNullOrWhiteSpace(p.Name) ? $"remote-{i + 1}" : p.Name.Trim(), false,
            Lookup(p.DnsResolvers), string.IsNullOrWhiteSpace(p.SourceAddress) ? null : IPAddress.Parse(p.SourceAddress))).ToList();
        Quorum = o.Quorum;
    }

    public Perspective Primary { get; }
    public IReadOnlyList<Perspective> Remote { get; }
    public int Quorum { get; }
    public IEnumerable<Perspective> All => Remote.Prepend(Primary);
}

/// <summary>
/// BR 3.2.2.9 quorum arithmetic: the primary must succeed, and enough remote perspectives must agree. With no remote
/// perspectives configured (a private CA, or tests), the primary alone decides.
/// </summary>
internal static class Corroboration
{
    /// <summary>Remote perspectives that must agree: the configured quorum, or the BR table (1 → 1, 2–5 → n−1, 6+ → n−2).</summary>
    public static int Required(int remotes, int configuredQuorum) =>
        configuredQuorum > 0 ? configuredQuorum : remotes <= 1 ? remotes : remotes <= 5 ? remotes - 1 : remotes - 2;

    public static bool Met(bool primaryPassed, int remotesAgreeing, int remotes, int configuredQuorum) =>
        primaryPassed && remotesAgreeing >= Required(remotes, configuredQuorum);
}
