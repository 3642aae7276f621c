using System.Globalization;
using Castellan.Bench;

// Castellan.Bench --server DLL [--postgres CONNSTRING] [--clients 8,64] [--count 3000] [--warmup 300] [--only issuance,ocsp,crl,orders]
//                 [--crl-sizes 100000,1000000] [--ocsp-seconds 5] [--out FILE]
// Castellan.Bench stages [COUNT]          (CPU cost of each issuance step, in-process)
// Castellan.Bench crl-one ENTRIES DIR     (child process of the CRL benchmark)
// Everything listens on 127.0.0.1 only; every phase has a count and a time limit.
if (args.Length >= 3 && args[0] == "crl-one") return CrlBench.RunChild(int.Parse(args[1], CultureInfo.InvariantCulture), args[2]);

if (args.Length >= 1 && args[0] == "stages")
{
    Castellan.Bench.StagesBench.Run(new Figures(), args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000);
    return 0;
}

var options = BenchOptions.Parse(args);
var figures = new Figures();
var work = Processes.NewDirectory(Path.GetTempPath(), "castellan-bench");
Console.WriteLine($"work directory {work}; load average at start {File.ReadAllText("/proc/loadavg").Trim()}");

if (options.Wants("issuance") || options.Wants("ocsp"))
    await Runs.IssuanceAndOcspAsync(options, figures, work);
if (options.Wants("orders"))
    await OrdersBench.RunAsync(options, figures, work);
if (options.Wants("crl"))
    await Runs.CrlAsync(figures, work, options.CrlSizes);

var machine = $"{Environment.ProcessorCount} cores, {Machine.CpuModel()}, load average at end {File.ReadAllText("/proc/loadavg").Trim()}";
var markdown = figures.ToMarkdown($"Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {machine}; {string.Join(" and ", options.Clients)} clients, {options.Count} certificates per issuance run after {options.Warmup} warm-up.");
Console.WriteLine();
Console.WriteLine(markdown);
if (options.Out is { } file) await File.WriteAllTextAsync(file, markdown);
return 0;

internal sealed record BenchOptions(string Server, string? Postgres, IReadOnlyList<int> Clients, int Count, int Warmup, string? Out, HashSet<string> Only, int[] CrlSizes, int OcspSeconds,
    string? BaselineServer, string BaselineLabel, string? BaselinePostgres = null)
{
    public bool Wants(string part) => Only.Count == 0 || Only.Contains(part);

    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var server = Value("--server") ?? throw new ArgumentException("--server PATH/Castellan.Server.dll is required");
        var only = (Value("--only") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var sizes = (Value("--crl-sizes") ?? "100000,1000000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var clients = (Value("--clients") ?? "8,64").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return new BenchOptions(Path.GetFullPath(server), Value("--postgres"), clients, Int("--count", 3000), Int("--warmup", 300), Value("--out"), only, sizes,
            Int("--ocsp-seconds", 5), Value("--baseline-server") is { } b ? Path.GetFullPath(b) : null, Value("--baseline-label") ?? "baseline",
            Value("--baseline-postgres"));
    }
}

internal static class Machine
{
    public static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
}
