using System.Security.Cryptography;

namespace Castellan.Registration.Accounts;

/// <summary>
/// Customer-facing account numbers: 10 digits, never starting with 0 (so they survive spreadsheets and integer
/// columns), 9 drawn from a CSPRNG and a Luhn check digit last, so a mistyped digit or a swap of neighbours is caught
/// before any lookup. Uniqueness is the database's job; <see cref="AccountService"/> draws again on a collision.
/// </summary>
public static class AccountNumbers
{
    public const int Length = 10;

    public static string NewRandom()
    {
        Span<char> digits = stackalloc char[Length];
        digits[0] = (char)('0' + RandomNumberGenerator.GetInt32(1, 10));
        for (var i = 1; i < Length - 1; i++) digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(0, 10));
        digits[Length - 1] = LuhnDigit(digits[..^1]);
        return new string(digits);
    }

    public static bool IsValid(string? number) =>
        number is { Length: Length } && number[0] != '0' && number.All(char.IsAsciiDigit) && LuhnDigit(number.AsSpan()[..^1]) == number[^1];

    /// <summary>The Luhn (ISO/IEC 7812-1) check digit for the given payload.</summary>
    public static char LuhnDigit(ReadOnlySpan<char> payload)
    {
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            var d = payload[payload.Length - 1 - i] - '0';
            if (i % 2 == 0) { d *= 2; if (d > 9) d -= 9; }
            sum += d;
        }
        return (char)('0' + (10 - sum % 10) % 10);
    }
}
