using Castellan.Billing.Contracts;

namespace Castellan.Billing.Ledger;

/// <summary>Input checks shared by the use cases; a failure is a <see cref="MalformedInput"/> naming the field.</summary>
internal static class Validate
{
    /// <summary>Ids and keys are stored in indexed columns and shown in statements: short, printable, no spaces.</summary>
    public const int MaxIdLength = 200;

    public static CastellanError? Id(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? new MalformedInput($"'{field}' is required")
        : value.Length > MaxIdLength ? new MalformedInput($"'{field}' is longer than {MaxIdLength} characters")
        : value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) ? new MalformedInput($"'{field}' contains spaces or control characters")
        : null;

    public static CastellanError? Amount(Money amount) =>
        amount.Currency is null ? new MalformedInput("'currency' is required")
        : amount.Minor <= 0 ? new MalformedInput("the amount must be a positive number of minor units")
        : null;

    public static CastellanError? First(params CastellanError?[] errors) => errors.FirstOrDefault(e => e is not null);
}
