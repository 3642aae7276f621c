using System.CommandLine;
using System.CommandLine.Help;
using Castellan.Cli.Commands;

namespace Castellan.Cli;

/// <summary>Builds the command tree, parses, runs, and turns every failure into one stderr line and an exit code.</summary>
internal static class CastellanCommandLine
{
    public static RootCommand Build()
    {
        var data = new Option<string?>("--data")
        {
            Description = "Data directory (embedded database, encrypted keys); default Castellan:DataDirectory or ./data",
            HelpName = "DIR",
            Recursive = true,
        };
        var root = new RootCommand("Castellan: certificate authority, registration authority and certificate lifecycle, for operators.")
        {
            data,
            ServeCommand.Create(data),
            InitCommand.Create(data),
            CaCommands.Create(data),
            IssueCommand.Create(data),
            RevokeCommand.Create(data),
            CrlCommand.Create(data),
            OcspCommands.Create(),
            AuditCommands.Create(data),
        };
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            var parse = Build().Parse(args);
            // Parse errors are usage errors (exit 2) in our one-line format; --help and --version clear them.
            if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
                return Exit.UsageError(parse.Errors[0].Message);
            // No process-termination handling here: `serve` hands SIGTERM/Ctrl+C to the web host's own lifetime.
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (UsageException e)
        {
            return Exit.UsageError(e.Message);
        }
        catch (Exception e)
        {
            // Infrastructure faults (database unreachable, disk full): the message only; details stay out of the operator's terminal.
            return Exit.Failure(Describe(e));
        }
    }

    private static string Describe(Exception e)
    {
        var inner = e.GetBaseException();
        return inner == e || e.Message.Contains(inner.Message, StringComparison.Ordinal) ? e.Message : $"{e.Message} ({inner.Message})";
    }
}
