using System.CommandLine;
using Castellan.Authority.Hierarchy;
using Castellan.Cli.Hosting;
using Castellan.Registration.Access;
using Castellan.Server.Hosting;
using Castellan.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Castellan.Cli.Commands;

/// <summary>
/// <c>castellan init</c>: what the server does on its first start (schema, root and issuing CA, first administrator key),
/// without serving. It runs the server's own <see cref="StartupSequence"/>, so the two can never disagree.
/// </summary>
internal static class InitCommand
{
    public static Command Create(Option<string?> data)
    {
        var command = new Command("init", "Create the database and the CA hierarchy, print the CA ids and the first administrator API key (once)");
        command.SetAction(async (parse, ct) =>
        {
            await using var authority = LocalAuthority.Create(parse.GetValue(data), s =>
            {
                s.AddSingleton<StartupSequence>();
            });
            await authority.Get<DatabaseInitializer>().InitialiseAsync(ct);
            var existed = (await authority.Get<CaDirectory>().AllAsync(ct)).Count > 0;
            // Prints the administrator key itself (stdout, never the logger) when none exists yet.
            await authority.Get<StartupSequence>().StartAsync(ct);
            authority.Get<CaDirectory>().Invalidate();

            Console.WriteLine(existed
                ? $"{authority.DataDirectory} was already initialised; nothing was created"
                : $"initialised a CA hierarchy in {authority.DataDirectory}");
            CaCommands.WriteTable((await authority.Get<CaDirectory>().AllAsync(ct)).Select(c => c.Record));
            return Exit.Ok;
        });
        return command;
    }
}
