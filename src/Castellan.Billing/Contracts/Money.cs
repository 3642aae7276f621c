namespace Castellan.Billing.Contracts;

/// <summary>
/// An amount in minor currency units (cents for USD, paise for INR, yen for JPY) with its ISO 4217 code.
/// Integers, never floating point, so every sum in the ledger is exact; arithmetic is checked, so an overflow is a
/// bug that throws instead of silently wrapping. Amounts of different currencies never mix: that throws too.
/// </summary>
public readonly record struct Money
{
    public Money(long minor, string currency)
    {
        if (!IsCurrencyCode(currency)) throw new ArgumentException($"'{currency}' is not an ISO 4217 currency code", nameof(currency));
        Minor = minor;
        Currency = currency;
    }

    /// <summary>The amount in minor units; negative only inside the ledger (a debit posting).</summary>
    public long Minor { get; }

    /// <summary>Three upper-case letters (ISO 4217 alphabetic code).</summary>
    public string Currency { get; }

    public bool IsPositive => Minor > 0;

    public static Money Zero(string currency) => new(0, currency);

    /// <summary>True for three ASCII upper-case letters; the ledger does not need the ISO list itself.</summary>
    public static bool IsCurrencyCode(string? code) => code is { Length: 3 } && code.All(char.IsAsciiLetterUpper);

    public static Money operator +(Money a, Money b) => new(checked(a.Minor + Same(a, b).Minor), a.Currency);

    public static Money operator -(Money a, Money b) => new(checked(a.Minor - Same(a, b).Minor), a.Currency);

    public static Money operator -(Money a) => new(checked(-a.Minor), a.Currency);

    public static bool operator <(Money a, Money b) => a.Minor < Same(a, b).Minor;

    public static bool operator >(Money a, Money b) => a.Minor > Same(a, b).Minor;

    public static bool operator <=(Money a, Money b) => a.Minor <= Same(a, b).Minor;

    public static bool operator >=(Money a, Money b) => a.Minor >= Same(a, b).Minor;

    public Money Add(Money other) => this + other;

    public Money Subtract(Money other) => this - other;

    public Money Negate() => -this;

    public int CompareTo(Money other) => Minor.CompareTo(Same(this, other).Minor);

    public override string ToString() => $"{Minor} {Currency} (minor units)";

    private static Money Same(Money a, Money b) =>
        a.Currency == b.Currency ? b : throw new InvalidOperationException($"cannot combine {a.Currency} with {b.Currency}");
}
