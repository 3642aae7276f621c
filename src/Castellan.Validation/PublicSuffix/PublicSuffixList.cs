using System.Globalization;
using Castellan.Validation.Contracts;

namespace Castellan.Validation.PublicSuffix;

/// <summary>
/// The Public Suffix List algorithm (https://publicsuffix.org/list/, "Formal algorithm"): plain rules, wildcard rules
/// ("*.ck") and exception rules ("!www.ck"); the prevailing rule is an exception when one matches, else the matching
/// rule with the most labels, else "*" (the TLD). Rules are kept as A-labels, since certificate names are. Pure: built
/// from the file's text, so the rules are tested without the file.
/// </summary>
public sealed class PublicSuffixList
{
    private static readonly IdnMapping Idn = new();
    private readonly HashSet<string> _rules = new(StringComparer.Ordinal);
    private readonly HashSet<string> _wildcards = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exceptions = new(StringComparer.Ordinal);

    private PublicSuffixList()
    {
    }

    /// <summary>How many rules were read (a sanity figure for the start-up log).</summary>
    public int RuleCount => _rules.Count + _wildcards.Count + _exceptions.Count;

    /// <summary>
    /// Parses the list's text: one rule per line, the rule ends at the first whitespace, "//" lines are comments. Both
    /// the ICANN and the PRIVATE sections are read.
    /// </summary>
    public static PublicSuffixList Parse(IEnumerable<string> lines)
    {
        var list = new PublicSuffixList();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal)) continue;
            var space = line.IndexOfAny([' ', '\t']);
            var rule = (space < 0 ? line : line[..space]).TrimEnd('.');
            if (rule.StartsWith('!')) { if (Ascii(rule[1..]) is { } e) list._exceptions.Add(e); }
            else if (rule.StartsWith("*.", StringComparison.Ordinal)) { if (Ascii(rule[2..]) is { } w) list._wildcards.Add(w); }
            else if (Ascii(rule) is { } r) list._rules.Add(r);
        }
        return list;
    }

    /// <summary>The public suffix of <paramref name="name"/> (lower-case A-labels).</summary>
    public string PublicSuffix(string name)
    {
        var labels = Labels(name);
        return string.Join('.', labels[SuffixStart(labels)..]);
    }

    /// <summary>The public suffix plus one label; null when the name is itself a public suffix.</summary>
    public string? RegisteredDomain(string name)
    {
        var labels = Labels(name);
        var start = SuffixStart(labels);
        return start == 0 ? null : string.Join('.', labels[(start - 1)..]);
    }

    /// <summary>Index of the first label of the public suffix, trying the longest candidate first.</summary>
    private int SuffixStart(string[] labels)
    {
        for (var i = 0; i < labels.Length; i++)
        {
            var candidate = string.Join('.', labels[i..]);
            // An exception rule is longer than the wildcard it excepts, so it is met first; its suffix drops its first label.
            if (_exceptions.Contains(candidate)) return i + 1;
            if (_rules.Contains(candidate)) return i;
            if (i + 1 < labels.Length && _wildcards.Contains(string.Join('.', labels[(i + 1)..]))) return i;
        }
        return Math.Max(0, labels.Length - 1); // the implicit "*" rule
    }

    private static string[] Labels(string name)
    {
        var n = name.Trim().TrimEnd('.');
        if (n.StartsWith("*.", StringComparison.Ordinal)) n = n[2..];
        return (Ascii(n) ?? n.ToLowerInvariant()).Split('.', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string? Ascii(string s)
    {
        try { return Idn.GetAscii(s).ToLowerInvariant(); }
        catch (ArgumentException) { return null; }
    }
}
