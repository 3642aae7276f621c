using System.Text.RegularExpressions;

namespace Castellan.Portal.Settings;

/// <summary>
/// The RA names the field it refuses in <see cref="CastellanError.Field"/> where it can, and otherwise in quotes at
/// the start of its message (<c>'allowedNetworks[2]': ...</c>,
/// <c>'text' uses the unknown placeholder ...</c>); a form shows the message beside that field, or above the form
/// when the message names none.
/// </summary>
internal static partial class FieldErrors
{
    /// <summary>The field the RA named (<see cref="CastellanError.Field"/>), else the one its message starts with.</summary>
    public static string? FieldOf(CastellanError error) => error.Field ?? (Leading().Match(error.Detail) is { Success: true } m ? m.Groups[1].Value : null);

    /// <summary>Index of the entry a list field's message is about (<c>'allowedNetworks[2]'</c> gives 2).</summary>
    public static int? IndexOf(CastellanError error) =>
        Indexed().Match(error.Detail) is { Success: true } m && int.TryParse(m.Groups[1].Value, out var i) ? i : null;

    /// <summary>One entry per line or comma, blanks dropped: how the forms take lists.</summary>
    public static List<string> Lines(string? text) =>
        (text ?? "").Split(['\n', '\r', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    [GeneratedRegex(@"^'([A-Za-z]+)")]
    private static partial Regex Leading();

    [GeneratedRegex(@"^'[A-Za-z]+\[(\d+)\]'")]
    private static partial Regex Indexed();
}
