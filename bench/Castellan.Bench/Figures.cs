using System.Globalization;
using System.Text;

namespace Castellan.Bench;

/// <summary>The figures of one run, printed as the Markdown table that bench/README.md carries.</summary>
internal sealed class Figures
{
    private readonly List<(string Benchmark, string System, string Figure, string Note)> _rows = [];
    private readonly List<string> _notes = [];

    public void Add(string benchmark, string system, string figure, string note = "")
    {
        _rows.Add((benchmark, system, figure, note));
        Console.WriteLine($"  {benchmark} | {system} | {figure} | {note}");
    }

    public void Note(string text)
    {
        _notes.Add(text);
        Console.WriteLine("  note: " + text);
    }

    public string ToMarkdown(string header)
    {
        var sb = new StringBuilder();
        sb.AppendLine(header).AppendLine();
        sb.AppendLine("| benchmark | system | figure | note |");
        sb.AppendLine("| --- | --- | --- | --- |");
        foreach (var r in _rows) sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Benchmark} | {r.System} | {r.Figure} | {r.Note} |");
        if (_notes.Count > 0)
        {
            sb.AppendLine();
            foreach (var n in _notes) sb.AppendLine("- " + n);
        }
        return sb.ToString();
    }

    public static string F(double value, string format = "0") => value.ToString(format, CultureInfo.InvariantCulture);
}
