using System.Globalization;
using System.Net;

namespace Castellan.Registration.Domains;

/// <summary>Domain names as the RA accepts them: lower-case A-labels (IDNA via <see cref="IdnMapping"/>), RFC 1035 lengths.</summary>
public static class DomainNames
{
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    /// <summary>The normalised name, or why it is not a registrable-looking DNS name (at least two labels, no wildcard, no IP).</summary>
    public static Result<string> Normalise(string? text)
    {
        var t = text?.Trim().TrimEnd('.') ?? "";
        if (t.Length == 0) return new MalformedInput("'name' is required");
        if (t.StartsWith("*.", StringComparison.Ordinal)) return new MalformedInput("add the base domain; a verified domain covers its wildcard when the method allows it");
        if (IPAddress.TryParse(t, out _)) return new MalformedInput("an IP address is not a domain name");
        string ascii;
        try { ascii = Idn.GetAscii(t).ToLowerInvariant(); }
        catch (ArgumentException) { return new MalformedInput($"'{text}' is not a valid domain name"); }
        var labels = ascii.Split('.');
        if (ascii.Length > 253 || labels.Length < 2 || labels.Any(l => l.Length is 0 or > 63 || l.StartsWith('-') || l.EndsWith('-')
            || !l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) || labels[^1].All(char.IsAsciiDigit))
            return new MalformedInput($"'{text}' is not a valid domain name");
        return ascii;
    }

    /// <summary>True when <paramref name="name"/> is <paramref name="domain"/> or one of its subdomains (a wildcard by its base).</summary>
    public static bool IsWithin(string name, string domain)
    {
        var n = name.Trim().TrimEnd('.').ToLowerInvariant();
        if (n.StartsWith("*.", StringComparison.Ordinal)) n = n[2..];
        return n == domain || n.EndsWith("." + domain, StringComparison.Ordinal);
    }
}
