using System.Globalization;
using Castellan.Registration.Contracts;
using Castellan.Registration.Users;

namespace Castellan.Registration.Orders.CustomFields;

/// <summary>
/// Checks an order's custom field values against the account's definitions and says, per field, what is wrong, so a
/// form can show each error beside its field. Values are normalised (trimmed; dates as yyyy-MM-dd; checkboxes
/// "true"/"false"; emails lower-case) before they are stored and exported.
/// </summary>
public static class CustomFieldValues
{
    public const int MaxValueLength = 1000;

    /// <param name="draft">A draft may leave mandatory fields empty; they are required when it is placed.</param>
    public static Result<IReadOnlyDictionary<string, string>> Check(IReadOnlyList<CustomFieldDefinition> definitions, IReadOnlyDictionary<string, string?>? values, bool draft = false)
    {
        var errors = new List<FieldError>();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var given = values ?? new Dictionary<string, string?>();
        foreach (var name in given.Keys.Where(k => !definitions.Any(d => d.Name == k)))
            errors.Add(new FieldError(name, "this account has no such custom field"));
        foreach (var field in definitions)
        {
            var raw = given.TryGetValue(field.Name, out var v) ? v?.Trim() : null;
            if (string.IsNullOrEmpty(raw))
            {
                // An unticked mandatory checkbox is a value ("false"); the seed's mandatory checkbox means "must answer".
                if (field.Mandatory && !draft) errors.Add(new FieldError(field.Name, "is required"));
                continue;
            }
            var checkedValue = One(field, raw);
            if (checkedValue.IsError) errors.Add(new FieldError(field.Name, checkedValue.Error.Detail));
            else result[field.Name] = checkedValue.Value;
        }
        if (errors.Count > 0) return new CustomFieldsInvalid(errors);
        return result;
    }

    private static Result<string> One(CustomFieldDefinition field, string value)
    {
        if (value.Length > Math.Min(field.MaxLength, MaxValueLength)) return new MalformedInput($"is longer than {field.MaxLength} characters");
        if (value.Any(char.IsControl)) return new MalformedInput("contains control characters");
        switch (field.Type)
        {
            case CustomFieldType.Text:
                var bad = value.FirstOrDefault(c => !Allowed(field, c));
                return bad == default ? value : new MalformedInput($"contains '{bad}', which is not allowed ({Describe(field)})");
            case CustomFieldType.Dropdown:
                return field.Options.FirstOrDefault(o => string.Equals(o, value, StringComparison.Ordinal)) is { } option
                    ? option : new MalformedInput($"must be one of: {string.Join(", ", field.Options)}");
            case CustomFieldType.Date:
                return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                    ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : new MalformedInput("must be a date as yyyy-MM-dd");
            case CustomFieldType.Checkbox:
                return value.ToLowerInvariant() switch { "true" => "true", "false" => "false", _ => new MalformedInput("must be true or false") };
            case CustomFieldType.Email:
                var email = Fields.Email(value);
                return email.IsError ? new MalformedInput("must be a valid email address") : email.Value;
            default:
                return new MalformedInput("has an unknown type");
        }
    }

    /// <summary>Character classes by Unicode category, so "letters" takes accented names too; never a regular expression.</summary>
    internal static bool Allowed(CustomFieldDefinition field, char c)
    {
        if (field.AllowedCharacters == CharacterClasses.None) return true;
        var classes = field.AllowedCharacters;
        return (classes.HasFlag(CharacterClasses.Letters) && char.IsLetter(c))
            || (classes.HasFlag(CharacterClasses.Digits) && char.IsAsciiDigit(c))
            || (classes.HasFlag(CharacterClasses.Space) && c == ' ')
            || (classes.HasFlag(CharacterClasses.Punctuation) && (char.IsPunctuation(c) || char.IsSymbol(c)))
            || field.ExtraCharacters.Contains(c, StringComparison.Ordinal);
    }

    private static string Describe(CustomFieldDefinition field)
    {
        var parts = Enum.GetValues<CharacterClasses>().Where(c => c != CharacterClasses.None && field.AllowedCharacters.HasFlag(c)).Select(c => c.ToString().ToLowerInvariant()).ToList();
        if (field.ExtraCharacters.Length > 0) parts.Add($"and '{field.ExtraCharacters}'");
        return "allowed: " + string.Join(", ", parts);
    }
}
