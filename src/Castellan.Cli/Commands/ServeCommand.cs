using System.CommandLine;
using Castellan.Server.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Castellan.Cli.Commands;

/// <summary><c>castellan serve</c>: the same server as <c>dotnet run --project src/Castellan.Server</c>.</summary>
internal static class ServeCommand
{
    public static Command Create(Option<string?> data)
    {
        var urls = new Option<string?>("--urls") { Description = $"Where to listen, ';'-separated (default {CastellanHost.DefaultUrl})", HelpName = "URL" };
        var command = new Command("serve", "Run the server (REST API, CRL, OCSP). Other arguments, such as --Castellan:Storage:Provider postgres, are passed to it as configuration.")
        {
            urls,
        };
        // Anything we do not know is server configuration (ASP.NET command-line syntax), not a usage error.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var args = new List<string>();
            if (parse.GetValue(data) is { } dir) args.AddRange(["--data", dir]);
            if (parse.GetValue(urls) is { } u) args.AddRange(["--urls", u]);
            args.AddRange(parse.UnmatchedTokens);
            var app = CastellanHost.Build([.. args]);
            await Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.RunAsync(app, ct);
            return Exit.Ok;
        });
        return command;
    }
}
