using System.Globalization;
using System.Text.RegularExpressions;

namespace Castellan.Bench;

/// <summary>
/// The crypto bound of issuance: each certificate costs one CSR signature verification (proof of possession) and one
/// P-256 signature, so a machine can issue at most 1/(1/sign + 1/verify) per core, whatever the software around it.
/// </summary>
internal static partial class CryptoBound
{
    public sealed record Speed(double SignPerSecond, double VerifyPerSecond)
    {
        public double BoundPerCore => 1 / (1 / SignPerSecond + 1 / VerifyPerSecond);
    }

    /// <summary>Runs <c>openssl speed -seconds 3 ecdsap256</c> (one core) and reads its summary line.</summary>
    public static async Task<Speed> MeasureAsync()
    {
        var (code, output) = await Processes.RunAsync("openssl", ["speed", "-seconds", "3", "ecdsap256"], TimeSpan.FromSeconds(60));
        if (code != 0) throw new InvalidOperationException("openssl speed failed: " + output);
        // " 256 bits ecdsa (nistp256)   0.0000s   0.0001s  41753.9  13512.4"
        var m = SummaryLine().Match(output);
        if (!m.Success) throw new InvalidOperationException("could not read the openssl speed summary: " + output);
        return new Speed(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"256 bits ecdsa \(nistp256\)\s+\S+s\s+\S+s\s+([0-9.]+)\s+([0-9.]+)")]
    private static partial Regex SummaryLine();
}
