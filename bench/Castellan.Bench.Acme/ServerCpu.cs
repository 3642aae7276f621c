using System.Diagnostics;
using System.Globalization;

namespace Castellan.Bench.Acme;

/// <summary>
/// CPU time (user + system) a server process has used, from /proc/PID/stat fields 14 and 15 (proc(5)), in clock ticks.
/// Divided by the orders completed between two readings it gives a cost per order that does not depend on how busy
/// the rest of the shared machine is.
/// </summary>
internal static class ServerCpu
{
    private static readonly Lazy<double> TicksPerSecond = new(() =>
    {
        var psi = new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return double.Parse(text, CultureInfo.InvariantCulture);
    });

    public static TimeSpan Read(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond.Value);
    }
}
