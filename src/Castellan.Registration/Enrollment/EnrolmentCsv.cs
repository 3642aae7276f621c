using System.Text;
using Castellan.Registration.Contracts;

namespace Castellan.Registration.Enrollment;

/// <summary>One data line of an invitation CSV: its values by column, or why the line itself cannot be read.</summary>
public sealed record CsvRow(int Line, IReadOnlyDictionary<string, string> Values, string? Problem);

/// <summary>
/// Reads the invitation CSV (RFC 4180: comma separated, double quotes around fields holding commas, quotes or line
/// breaks, a quote doubled inside them). The first line names the columns: <c>email</c> is required; <c>given_name</c>,
/// <c>surname</c> and <c>organisation_unit</c> may prefill the form. A bad header refuses the whole file; a bad line
/// is reported on its own, so the good lines still go out.
/// </summary>
public static class EnrolmentCsv
{
    /// <summary>What one upload may hold; more is refused before anything is sent.</summary>
    public const int MaxBytes = 256 * 1024;
    public const int MaxRows = 2_000;

    private static readonly Dictionary<string, string> Columns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["email"] = "email",
        ["given_name"] = EnrolmentFields.GivenName, ["givenname"] = EnrolmentFields.GivenName,
        ["surname"] = EnrolmentFields.Surname,
        ["organisation_unit"] = EnrolmentFields.OrganisationUnit, ["organizational_unit"] = EnrolmentFields.OrganisationUnit, ["ou"] = EnrolmentFields.OrganisationUnit,
    };

    public static Result<IReadOnlyList<CsvRow>> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new MalformedInput("the CSV is empty; its first line must name the columns (email, given_name, surname, organisation_unit)");
        if (Encoding.UTF8.GetByteCount(text) > MaxBytes) return new CsvTooLarge($"the CSV is larger than {MaxBytes / 1024} KiB; split it into several uploads");
        var records = Split(text.TrimStart('\uFEFF'));
        if (records.IsError) return records.Error;
        var lines = records.Value.Where(r => !(r.Fields.Count == 1 && r.Fields[0].Length == 0)).ToList();
        if (lines.Count == 0) return new MalformedInput("the CSV is empty");
        if (lines.Count - 1 > MaxRows) return new CsvTooLarge($"the CSV has {lines.Count - 1} lines; at most {MaxRows} can be invited in one upload");

        var header = new List<string>();
        foreach (var raw in lines[0].Fields)
        {
            var name = raw.Trim();
            if (!Columns.TryGetValue(name, out var column))
                return new MalformedInput($"line 1: unknown column '{name}'; the columns are email, given_name, surname, organisation_unit");
            if (header.Contains(column)) return new MalformedInput($"line 1: the column '{name}' appears twice");
            header.Add(column);
        }
        if (!header.Contains("email")) return new MalformedInput("line 1: the header must name an 'email' column");

        var rows = new List<CsvRow>(lines.Count - 1);
        foreach (var (line, fields) in lines.Skip(1))
        {
            if (fields.Count != header.Count)
            {
                rows.Add(new CsvRow(line, new Dictionary<string, string>(), $"expected {header.Count} fields, found {fields.Count}"));
                continue;
            }
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++) values[header[i]] = fields[i].Trim();
            rows.Add(new CsvRow(line, values, null));
        }
        return rows;
    }

    /// <summary>Splits into records, each with the line number it starts on; an unclosed quote refuses the file.</summary>
    private static Result<List<(int Line, List<string> Fields)>> Split(string text)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var start = 1;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else { if (c == '\n') line++; field.Append(c); }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0: quoted = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    fields.Add(field.ToString()); field.Clear();
                    records.Add((start, fields)); fields = [];
                    start = ++line;
                    break;
                default: field.Append(c); break;
            }
        }
        if (quoted) return new MalformedInput($"line {start}: a quoted field is never closed");
        if (field.Length > 0 || fields.Count > 0) { fields.Add(field.ToString()); records.Add((start, fields)); }
        return records;
    }
}
