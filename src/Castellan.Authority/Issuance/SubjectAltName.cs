using System.Globalization;
using System.Net;
using System.Net.Mail;
using Castellan.Authority.Contracts;

namespace Castellan.Authority.Issuance;

/// <summary>One subject alternative name, typed. Text form "dns:name", "ip:addr", "email:addr", "uri:…"; untyped text is inferred.</summary>
public readonly record struct SubjectAltName(SanType Type, string Value)
{
    private static readonly IdnMapping Idn = new();

    public override string ToString() => $"{Type.ToString().ToLowerInvariant()}:{Value}";

    public static Result<SubjectAltName> Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new MalformedInput("an empty subject alternative name");
        if (text.Length > 512) return new MalformedInput("a subject alternative name longer than 512 characters");
        var t = text.Trim();
        var colon = t.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            var prefix = t[..colon].ToLowerInvariant();
            var rest = t[(colon + 1)..];
            switch (prefix)
            {
                case "dns": return Dns(rest);
                case "ip": return Ip(rest);
                case "email": return Email(rest);
                case "uri": return Uri(rest);
            }
        }
        if (t.Contains("://", StringComparison.Ordinal)) return Uri(t);
        if (IPAddress.TryParse(t, out _) && (t.Contains(':', StringComparison.Ordinal) || t.Count(c => c == '.') == 3)) return Ip(t);
        if (t.Contains('@', StringComparison.Ordinal)) return Email(t);
        return Dns(t);
    }

    private static Result<SubjectAltName> Dns(string name)
    {
        var n = name.Trim().TrimEnd('.').ToLowerInvariant();
        if (n.Length == 0) return new MalformedInput("an empty DNS name");
        try
        {
            // Internationalised names are issued in their A-label form (RFC 5280 7.2).
            if (n.Any(c => c > 127)) n = Idn.GetAscii(n);
        }
        catch (ArgumentException)
        {
            return new MalformedInput($"'{name}' is not a valid internationalised domain name");
        }
        if (!DnsNames.IsWellFormed(n, out var why)) return new MalformedInput($"'{name}' is not a valid DNS name: {why}");
        return new SubjectAltName(SanType.Dns, n);
    }

    private static Result<SubjectAltName> Ip(string text)
    {
        if (!IPAddress.TryParse(text.Trim(), out var ip) || text.Contains('%', StringComparison.Ordinal))
            return new MalformedInput($"'{text}' is not an IP address");
        return new SubjectAltName(SanType.Ip, ip.ToString());
    }

    private static Result<SubjectAltName> Email(string text)
    {
        var t = text.Trim();
        if (t.Length > 254 || !MailAddress.TryCreate(t, out var address) || address.Address != t || t.Contains(' ', StringComparison.Ordinal))
            return new MalformedInput($"'{text}' is not an email address");
        var at = t.LastIndexOf('@');
        var domain = t[(at + 1)..].ToLowerInvariant();
        if (!DnsNames.IsWellFormed(domain, out _) || domain.StartsWith("*.", StringComparison.Ordinal))
            return new MalformedInput($"'{text}' has no valid domain part");
        return new SubjectAltName(SanType.Email, t[..(at + 1)] + domain);
    }

    private static Result<SubjectAltName> Uri(string text)
    {
        if (!System.Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Scheme))
            return new MalformedInput($"'{text}' is not an absolute URI");
        return new SubjectAltName(SanType.Uri, uri.OriginalString);
    }
}

/// <summary>RFC 1034/1123 preferred name syntax, with one leftmost wildcard label allowed.</summary>
public static class DnsNames
{
    public static bool IsWellFormed(string name, out string why)
    {
        why = "";
        if (name.Length > 253) { why = "longer than 253 characters"; return false; }
        var labels = name.Split('.');
        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            if (label == "*" && i == 0 && labels.Length > 1) continue;
            if (label.Length == 0) { why = "empty label"; return false; }
            if (label.Length > 63) { why = "a label longer than 63 characters"; return false; }
            if (label.Contains('*', StringComparison.Ordinal)) { why = "a wildcard only as the whole leftmost label"; return false; }
            if (label[0] == '-' || label[^1] == '-') { why = "a label starts or ends with a hyphen"; return false; }
            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-')) { why = $"character '{c}' is not allowed"; return false; }
            }
        }
        return true;
    }

    public static bool IsWildcard(string name) => name.StartsWith("*.", StringComparison.Ordinal);
}
