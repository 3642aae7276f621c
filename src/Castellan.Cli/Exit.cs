namespace Castellan.Cli;

/// <summary>
/// The documented exit codes and the one place a failure becomes a line on stderr. Scripts rely on both, so a failure
/// is always exactly one line, "castellan: error: ...", and never a stack trace.
/// </summary>
internal static class Exit
{
    /// <summary>The command did what was asked (for <c>ocsp check</c>: the certificate is good).</summary>
    public const int Ok = 0;

    /// <summary>The CA refused (a <see cref="CastellanError"/>), a check came out negative, or the operation failed.</summary>
    public const int Refused = 1;

    /// <summary>The command line is wrong: unknown command or option, bad value, or an input file that cannot be read.</summary>
    public const int Usage = 2;

    public static int UsageError(string message) => Report(message, Usage);

    public static int Refuse(CastellanError error) => Report(error.Detail, Refused);

    public static int Failure(string message) => Report(message, Refused);

    private static int Report(string message, int code)
    {
        // One line: a multi-line detail (rare, from an exception) is joined so log scrapers see a single record.
        var line = string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Console.Error.WriteLine($"castellan: error: {line}");
        return code;
    }
}

/// <summary>Thrown by helpers deep inside a command when the command line itself is wrong (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
