using Castellan.Validation.Contracts;

namespace Castellan.Validation.Caa;

/// <summary>The verdict on one Relevant RRset, with the record that decided it (for the caller's error detail).</summary>
public sealed record CaaVerdict(bool Permitted, string Reason);

/// <summary>RFC 8659 §4 decisions on a parsed Relevant RRset. Pure, so every rule is tested without DNS.</summary>
public static class CaaPolicy
{
    /// <summary>Property tags this CA understands (RFC 8659 §4.2–4.4, RFC 9495 issuemail, BR 3.2.2.4.13 contactemail/contactphone).</summary>
    public static readonly IReadOnlySet<string> KnownTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { "issue", "issuewild", "iodef", "issuemail", "contactemail", "contactphone" };

    /// <summary>
    /// Whether <paramref name="rrset"/> (the first non-empty CAA RRset found climbing from the name) lets a CA known as
    /// any of <paramref name="caIdentities"/> issue. An empty RRset permits everyone (§3). A record naming this CA
    /// authorizes only if its RFC 8657 parameters also fit <paramref name="requester"/> (unknown when null).
    /// </summary>
    public static CaaVerdict Decide(IReadOnlyList<CaaProperty> rrset, bool wildcard, IReadOnlyCollection<string> caIdentities, string relevantDomain, CaaRequester? requester = null)
    {
        requester ??= CaaRequester.Unknown;
        if (rrset.Count == 0) return new(true, "no CAA record set was found, so any CA may issue");

        // §4.1: a critical property with a tag we do not understand forbids issuance outright.
        if (rrset.FirstOrDefault(p => p.IsCritical && !KnownTags.Contains(p.Tag)) is { } critical)
            return new(false, $"the CAA record '{relevantDomain} CAA {critical}' is marked critical and its tag is not understood");

        // §4.3: for a wildcard, issuewild properties take precedence when there are any; otherwise issue applies.
        var tag = wildcard && rrset.Any(p => Is(p, "issuewild")) ? "issuewild" : "issue";
        var relevant = rrset.Where(p => Is(p, tag)).ToList();
        if (relevant.Count == 0) return new(true, $"the CAA record set at {relevantDomain} has no {tag} property, so it does not restrict issuance");

        var mismatches = new List<string>();
        foreach (var p in relevant)
        {
            var value = CaaIssueValue.Parse(p.Value);
            if (value?.IssuerDomain is not { } issuer || !caIdentities.Any(ca => string.Equals(ca.TrimEnd('.'), issuer, StringComparison.OrdinalIgnoreCase))) continue;
            if (ParametersMismatch(value, requester) is { } why) { mismatches.Add($"'{relevantDomain} CAA {p}' {why}"); continue; }
            return new(true, $"the CAA record '{relevantDomain} CAA {p}' authorizes this CA");
        }
        if (mismatches.Count > 0)
            return new(false, $"CAA forbids issuance: the {tag} record(s) naming this CA do not fit this request: {string.Join("; ", mismatches)}");
        return new(false, $"CAA forbids issuance: the {tag} record(s) at {relevantDomain} ({string.Join("; ", relevant.Select(p => $"{relevantDomain} CAA {p}"))}) do not name this CA");
    }

    /// <summary>
    /// RFC 8657 §3: with <c>accounturi</c>, only that ACME account (its URL, compared exactly) may have certificates
    /// issued; §4: with <c>validationmethods</c> (comma-separated labels), only a name validated by a listed method.
    /// Our methods' labels are <see cref="ValidationMethodLabels"/>. When the request has no account URL or no known
    /// method, a record with that parameter does not match.
    /// Null when the record's parameters allow this request.
    /// </summary>
    public static string? ParametersMismatch(CaaIssueValue value, CaaRequester requester)
    {
        if (value.Parameters.TryGetValue("accounturi", out var accountUri) && !string.Equals(accountUri, requester.AccountUri, StringComparison.Ordinal))
            return requester.AccountUri is null
                ? "restricts issuance to an ACME account (accounturi) and this request has none"
                : $"restricts issuance to the account {accountUri}, not {requester.AccountUri}";
        if (value.Parameters.TryGetValue("validationmethods", out var methods))
        {
            // §4: labels are case-sensitive.
            var allowed = methods.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var label = requester.Method is { } m ? ValidationMethodLabels.Of(m) : null;
            if (label is null || !allowed.Contains(label, StringComparer.Ordinal))
                return $"allows only the validation methods {string.Join(", ", allowed)}, not {label ?? "an unknown method"}";
        }
        return null;
    }

    /// <summary>§3: the names to look up, from the name itself up to (not including) the root. A wildcard climbs from its base.</summary>
    public static IReadOnlyList<string> ClimbingOrder(string name)
    {
        var names = new List<string>();
        var n = name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name;
        n = n.TrimEnd('.');
        while (n.Length > 0)
        {
            names.Add(n);
            var dot = n.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0) break;
            n = n[(dot + 1)..];
        }
        return names;
    }

    /// <summary>Email addresses in contactemail properties (BR 3.2.2.4.13), in record order.</summary>
    public static IReadOnlyList<string> ContactEmails(IReadOnlyList<CaaProperty> rrset) =>
        rrset.Where(p => Is(p, "contactemail")).Select(p => p.Value.Trim()).Where(v => v.Contains('@', StringComparison.Ordinal)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static bool Is(CaaProperty p, string tag) => string.Equals(p.Tag, tag, StringComparison.OrdinalIgnoreCase);
}
