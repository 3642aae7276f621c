using System.Globalization;

namespace Castellan.Billing.Contracts;

/// <summary>
/// How many decimal places a currency's minor unit has (ISO 4217's "minor unit" column), so an amount kept in minor
/// units is shown as people read it: 5000 USD cents is 50.00, 5000 JPY is 5,000, 5000 BHD fils is 5.000. Every screen
/// that shows money formats it here; dividing by 100 is right for most currencies and wrong for the rest.
/// </summary>
public static class MinorUnits
{
    // ISO 4217 (list one, 2024): currencies whose minor unit is not 2. Funds and precious metals ("N.A.") are left
    // out: they are never prices here, and 2 decimals is the safe default for any code not listed.
    private static readonly Dictionary<string, int> NotTwo = new(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0, ["PYG"] = 0,
        ["RWF"] = 0, ["UGX"] = 0, ["UYI"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
        ["CLF"] = 4, ["UYW"] = 4,
    };

    /// <summary>The currency's decimal places: 0, 2 (the default, also for unknown codes), 3 or 4.</summary>
    public static int Digits(string currency) => NotTwo.TryGetValue(currency.ToUpperInvariant(), out var d) ? d : 2;

    /// <summary>The amount in major units, exactly (decimal, never floating point).</summary>
    public static decimal ToMajor(long minor, string currency)
    {
        var d = Digits(currency);
        decimal scale = 1;
        for (var i = 0; i < d; i++) scale *= 10;
        return minor / scale;
    }

    /// <summary>"1,234.50 USD", "5,000 JPY", "1.250 BHD": grouped, invariant culture, the code after the amount.</summary>
    public static string Format(long minor, string currency) =>
        $"{ToMajor(minor, currency).ToString("N" + Digits(currency).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)} {currency}";
}
