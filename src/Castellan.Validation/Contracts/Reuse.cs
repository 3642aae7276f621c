namespace Castellan.Validation.Contracts;

/// <summary>
/// How long a domain validation may be relied on, and for which names (BR 4.2.1 and 3.2.2.4, ballot SC-081v3,
/// ../shared/PKI-RULES.md). The window is the one in force at the time of issuance, so evidence collected under a
/// longer window stops being reusable when the schedule shortens.
/// </summary>
public static class DomainValidationReuse
{
    private static readonly (DateTimeOffset From, int Days)[] Schedule =
    [
        (new DateTimeOffset(2029, 3, 15, 0, 0, 0, TimeSpan.Zero), 10),
        (new DateTimeOffset(2027, 3, 15, 0, 0, 0, TimeSpan.Zero), 100),
        (new DateTimeOffset(2026, 3, 15, 0, 0, 0, TimeSpan.Zero), 200),
    ];

    /// <summary>The reuse window in force at <paramref name="at"/>: 398 days before 2026-03-15, then 200, 100 and 10.</summary>
    public static TimeSpan WindowAt(DateTimeOffset at)
    {
        foreach (var (from, days) in Schedule)
            if (at >= from) return TimeSpan.FromDays(days);
        return TimeSpan.FromDays(398);
    }

    /// <summary>True when evidence completed at <paramref name="validatedAt"/> may still be used at <paramref name="now"/>.</summary>
    public static bool IsReusable(DateTimeOffset validatedAt, DateTimeOffset now) => validatedAt <= now && now - validatedAt < WindowAt(now);

    /// <summary>
    /// Methods that prove control of a whole Authorization Domain Name, so a validated base domain covers its
    /// subdomains and wildcards: DNS changes (BR 3.2.2.4.7) and the email methods (.4, .13, .14). The HTTP methods and
    /// tls-alpn-01 prove only the exact name they were performed on (BR 3.2.2.4.18, .19, .20).
    /// </summary>
    public static bool CoversSubdomains(ValidationMethod method) => method is ValidationMethod.Dns01 or ValidationMethod.DnsTxt
        or ValidationMethod.ConstructedEmail or ValidationMethod.CaaContactEmail or ValidationMethod.TxtContactEmail;

    /// <summary>
    /// Whether a passed validation of <paramref name="validatedName"/> by <paramref name="method"/> covers
    /// <paramref name="wanted"/>. The same name is covered by any method, except that a wildcard needs a method that
    /// covers subdomains; a proper parent (two labels or more, never a bare TLD) only by such a method.
    /// </summary>
    public static bool Covers(string validatedName, ValidationMethod method, Identifier wanted)
    {
        if (wanted.Type == IdentifierType.Ip) return string.Equals(validatedName, wanted.Value, StringComparison.OrdinalIgnoreCase);
        var name = wanted.BaseName;
        if (string.Equals(validatedName, name, StringComparison.OrdinalIgnoreCase)) return !wanted.IsWildcard || CoversSubdomains(method);
        return CoversSubdomains(method) && validatedName.Contains('.', StringComparison.Ordinal)
            && name.EndsWith("." + validatedName, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The names whose evidence could cover <paramref name="wanted"/>: its base name and each parent of two labels or more.</summary>
    public static IReadOnlyList<string> CandidateNames(Identifier wanted)
    {
        if (wanted.Type == IdentifierType.Ip) return [wanted.Value];
        var names = new List<string>();
        var name = wanted.BaseName;
        while (name.Contains('.', StringComparison.Ordinal))
        {
            names.Add(name);
            name = name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..];
        }
        return names;
    }
}
