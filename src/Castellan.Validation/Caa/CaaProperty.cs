namespace Castellan.Validation.Caa;

/// <summary>One CAA resource record (RFC 8659 §4.1): flags, tag, value.</summary>
public sealed record CaaProperty(byte Flags, string Tag, string Value)
{
    /// <summary>RFC 8659 §4.1: bit 0 (128) is the Issuer Critical Flag.</summary>
    public bool IsCritical => (Flags & 0x80) != 0;

    public override string ToString() => $"{Flags} {Tag} \"{Value}\"";
}

/// <summary>An issue or issuewild value: the issuer domain (null for ";", which permits no CA) and its parameters.</summary>
public sealed record CaaIssueValue(string? IssuerDomain, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>
    /// RFC 8659 §4.2 issue-value = *WSP [issuer-domain-name *WSP] [";" *WSP [parameters *WSP]]. Returns null when the
    /// value is malformed; a malformed property authorizes nobody.
    /// </summary>
    public static CaaIssueValue? Parse(string value)
    {
        var parts = value.Split(';');
        var domain = parts[0].Trim();
        if (domain.Length > 0 && !IsDomain(domain)) return null;
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in parts.Skip(1))
        {
            var p = raw.Trim();
            if (p.Length == 0) continue;
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) return null;
            var tag = p[..eq].Trim();
            if (!tag.All(char.IsAsciiLetterOrDigit)) return null;
            parameters[tag] = p[(eq + 1)..].Trim();
        }
        return new CaaIssueValue(domain.Length == 0 ? null : domain.TrimEnd('.').ToLowerInvariant(), parameters);
    }

    private static bool IsDomain(string s) =>
        s.TrimEnd('.').Split('.').All(label => label.Length is > 0 and <= 63 && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
}
