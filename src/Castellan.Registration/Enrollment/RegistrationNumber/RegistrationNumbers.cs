using System.Security.Cryptography;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Contracts;

namespace Castellan.Registration.Enrollment.RegistrationNumber;

/// <summary>
/// The two secrets of seed 002 step 1. The REGISTRATION NUMBER (<c>RN-XXXXX-XXXXX</c>, 50 random bits) is written on
/// paper documents, so it uses Crockford's base-32 alphabet (no I, L, O, U: nothing to misread); it is an identifier,
/// not a secret. The initial access code (<c>XXXX-XXXX-XXXX-XXXX</c>, 80 random bits) is mailed once and stored only as
/// a PBKDF2 hash (Users/PasswordHasher.cs), like a password.
/// </summary>
public static class RegistrationNumbers
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string NewNumber() => "RN-" + Random(5) + "-" + Random(5);

    public static string NewAccessCode() => string.Join('-', Random(4), Random(4), Random(4), Random(4));

    /// <summary>The number as stored, from what a person typed (case, spaces and a missing prefix forgiven); null when it cannot be one.</summary>
    public static string? Normalize(string? typed)
    {
        var s = new string((typed ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray()).ToUpperInvariant();
        if (s.StartsWith("RN", StringComparison.Ordinal)) s = s[2..];
        if (s.Length != 10 || !s.All(c => Alphabet.Contains(c, StringComparison.Ordinal))) return null;
        return $"RN-{s[..5]}-{s[5..]}";
    }

    private static string Random(int length) => string.Create(length, 0, (span, _) =>
    {
        for (var i = 0; i < span.Length; i++) span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
    });

    /// <summary>Every state change and RA action is audited under the application; no access code ever appears here.</summary>
    internal static Task AuditAsync(IAuditLog audit, RequestOrigin origin, string action, RegistrationApplication a, object? extra = null) =>
        audit.AppendAsync(new AuditEvent(origin.Actor, action, $"registration:{a.Id}", JsonSerializer.Serialize(new
        {
            application = a.Id, number = a.Number, account = a.AccountId, service = a.ServiceId, status = a.Status.ToString(), details = extra,
        }), origin.Address), CancellationToken.None);

    internal static WrongRegistrationStage WrongStage(RegistrationApplication a, string action) => new(a.Number, a.Status, action);
}
