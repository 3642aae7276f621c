using System.Net.Mail;

namespace Castellan.Registration.Users;

/// <summary>Checks for what people type into forms: lengths bound every stored field, emails are single plain addresses.</summary>
public static class Fields
{
    public const int MaxName = 200;
    public const int MaxEmail = 254; // RFC 5321 4.5.3.1.3: a path is at most 256 octets including the angle brackets

    /// <summary>The normalised (trimmed, lower-case) address, or an error. Display names and lists are refused.</summary>
    public static Result<string> Email(string? value)
    {
        var email = value?.Trim();
        if (string.IsNullOrEmpty(email)) return new MalformedInput("'email' is required");
        if (email.Length > MaxEmail) return new MalformedInput($"'email' may have at most {MaxEmail} characters");
        if (email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return new MalformedInput("'email' is not a valid address");
        if (!MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !string.IsNullOrEmpty(parsed.DisplayName))
            return new MalformedInput("'email' is not a valid address");
        var at = email.LastIndexOf('@');
        // RFC 5321 4.5.3.1.1: local part at most 64 octets; a domain needs a dot (no intranet single labels).
        if (at is < 1 or > 64 || !email[(at + 1)..].Contains('.') || email.EndsWith('.')) return new MalformedInput("'email' is not a valid address");
        return email.ToLowerInvariant();
    }

    public static Result<string> Name(string? value, string field, bool required = true)
    {
        var name = value?.Trim() ?? "";
        if (name.Length == 0) return required ? new MalformedInput($"'{field}' is required") { Field = field } : "";
        if (name.Length > MaxName) return new MalformedInput($"'{field}' may have at most {MaxName} characters") { Field = field };
        if (name.Any(char.IsControl)) return new MalformedInput($"'{field}' may not contain control characters") { Field = field };
        return name;
    }

    public static Result<string?> Mobile(string? value)
    {
        var mobile = value?.Trim();
        if (string.IsNullOrEmpty(mobile)) return (string?)null;
        if (mobile.Length > 32 || !mobile.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')'))
            return new MalformedInput("'mobile' must be a phone number of at most 32 characters");
        return mobile;
    }
}
