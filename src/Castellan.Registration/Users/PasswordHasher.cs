using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Castellan.Registration.Users;

/// <summary>
/// Password storage with PBKDF2-HMAC-SHA256 (OWASP 2023: at least 600,000 iterations), a 16-byte random salt and a
/// 32-byte derived key, written as <c>pbkdf2-sha256$ITERATIONS$SALT$KEY</c> (base64). The string carries its own
/// parameters, so raising the iteration count later only needs <see cref="NeedsRehash"/> at the next sign-in.
/// </summary>
public static class PasswordHasher
{
    public const int Iterations = 600_000;
    public const int MinLength = 12;
    public const int MaxLength = 128;
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int KeyBytes = 32;

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, KeyBytes);
        return string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(key));
    }

    /// <summary>Constant-time comparison; false for anything that is not a hash this class wrote.</summary>
    public static bool Verify(string password, string? stored)
    {
        if (!TryParse(stored, out var iterations, out var salt, out var expected)) return false;
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    public static bool NeedsRehash(string stored) => !TryParse(stored, out var iterations, out _, out _) || iterations < Iterations;

    /// <summary>The rule shown to the person choosing a password (NIST SP 800-63B 5.1.1: length, not composition).</summary>
    public static CastellanError? CheckPolicy(string? password) => password switch
    {
        null or "" => new MalformedInput("'password' is required"),
        { Length: < MinLength } => new PolicyViolation("password-length", $"a password needs at least {MinLength} characters"),
        { Length: > MaxLength } => new MalformedInput($"a password may have at most {MaxLength} characters"),
        _ when password.Any(char.IsControl) => new MalformedInput("a password may not contain control characters"),
        _ when password.Distinct().Count() < 4 => new PolicyViolation("password-weak", "a password needs more than three distinct characters"),
        _ => null,
    };

    private static bool TryParse(string? stored, out int iterations, out byte[] salt, out byte[] key)
    {
        iterations = 0;
        salt = key = [];
        var parts = stored?.Split('$');
        if (parts is not [Scheme, var it, var s, var k]) return false;
        if (!int.TryParse(it, NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < 1) return false;
        try
        {
            salt = Convert.FromBase64String(s);
            key = Convert.FromBase64String(k);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length >= 8 && key.Length >= 16;
    }
}
