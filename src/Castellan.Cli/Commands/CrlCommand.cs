using System.CommandLine;
using Castellan.Authority.Crl;
using Castellan.Cli.Hosting;

namespace Castellan.Cli.Commands;

/// <summary><c>castellan crl</c>: publishes a CRL now (<see cref="CrlPublisher"/>, so it is stored and served too) and writes it.</summary>
internal static class CrlCommand
{
    public static Command Create(Option<string?> data)
    {
        var ca = new Option<string>("--ca") { Description = "The CA whose CRL to publish", Required = true, HelpName = "CA" };
        var output = new Option<string?>("--out") { Description = "Write the CRL to this file instead of stdout", HelpName = "FILE" };
        var der = new Option<bool>("--der") { Description = "Write DER (as served at the distribution point) instead of PEM" };
        var command = new Command("crl", "Publish the CA's CRL now and write it (PEM by default)") { ca, output, der };
        command.SetAction(async (parse, ct) =>
        {
            await using var authority = await LocalAuthority.OpenAsync(parse.GetValue(data), requireHierarchy: true, ct);
            var published = await authority.Get<CrlPublisher>().PublishAsync(parse.GetValue(ca)!, LocalAuthority.Actor, ct);
            if (published.IsError) return Exit.Refuse(published.Error);
            var crl = published.Value;
            var path = parse.GetValue(output);
            if (parse.GetValue(der)) await Files.WriteAsync(path, crl.Der, ct);
            else await Files.WriteAsync(path, Files.Pem("X509 CRL", crl.Der), ct);
            if (Files.ToFile(path))
                Console.WriteLine($"published CRL {crl.Number} of CA '{crl.CaId}' with {crl.EntryCount} entries, next update {CaCommands.Date(crl.NextUpdate)}; wrote {path}");
            return Exit.Ok;
        });
        return command;
    }
}
