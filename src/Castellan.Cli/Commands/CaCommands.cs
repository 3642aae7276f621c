using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Cli.Hosting;

namespace Castellan.Cli.Commands;

/// <summary><c>castellan ca list|create|export</c>: the CA hierarchy, through <see cref="CaHierarchy"/> and <see cref="CaDirectory"/>.</summary>
internal static class CaCommands
{
    public static Command Create(Option<string?> data) => new("ca", "The CA hierarchy: list, create, export certificates")
    {
        List(data),
        CreateCa(data),
        Export(data),
    };

    private static Command List(Option<string?> data)
    {
        var command = new Command("list", "List the CAs: id, kind, status, key, parent, expiry, subject");
        command.SetAction(async (parse, ct) =>
        {
            await using var authority = await LocalAuthority.OpenAsync(parse.GetValue(data), requireHierarchy: false, ct);
            WriteTable((await authority.Get<CaDirectory>().AllAsync(ct)).Select(c => c.Record));
            return Exit.Ok;
        });
        return command;
    }

    private static Command CreateCa(Option<string?> data)
    {
        var id = new Argument<string>("id") { Description = "The new CA's id: lower-case letters, digits and hyphens" };
        var subject = new Option<string>("--subject") { Description = "Distinguished name, e.g. \"CN=Example Issuing CA 2,O=Example\"", Required = true, HelpName = "DN" };
        var parent = new Option<string?>("--parent") { Description = "Parent CA id; without it a self-signed root is created", HelpName = "CA" };
        var key = new Option<string>("--key") { Description = "Key algorithm: ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096", DefaultValueFactory = _ => "ec-p256", HelpName = "ALG" };
        var days = new Option<int>("--days") { Description = "Validity in days (capped at the parent's expiry)", DefaultValueFactory = _ => 5 * 365 };
        var pathLength = new Option<int?>("--path-length") { Description = "basicConstraints pathLenConstraint (RFC 5280 4.2.1.9)" };
        var permit = new Option<string[]>("--permit-dns") { Description = "Name constraint: permitted DNS subtree (repeatable)", HelpName = "NAME" };
        var exclude = new Option<string[]>("--exclude-dns") { Description = "Name constraint: excluded DNS subtree (repeatable)", HelpName = "NAME" };
        var command = new Command("create", "Create a root CA, or an intermediate signed by --parent") { id, subject, parent, key, days, pathLength, permit, exclude };
        command.SetAction(async (parse, ct) =>
        {
            var keyName = parse.GetValue(key);
            if (!KeyAlgorithms.TryParse(keyName, out var algorithm))
                return Exit.UsageError($"unknown key algorithm '{keyName}' (ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096)");
            await using var authority = await LocalAuthority.OpenAsync(parse.GetValue(data), requireHierarchy: false, ct);
            var created = await authority.Get<CaHierarchy>().CreateAsync(new CreateCaRequest
            {
                Id = parse.GetValue(id)!,
                Subject = parse.GetValue(subject)!,
                ParentId = parse.GetValue(parent),
                KeyAlgorithm = algorithm,
                ValidityDays = parse.GetValue(days),
                PathLength = parse.GetValue(pathLength),
                PermittedDnsNames = parse.GetValue(permit) ?? [],
                ExcludedDnsNames = parse.GetValue(exclude) ?? [],
                Actor = LocalAuthority.Actor,
            }, ct);
            if (created.IsError) return Exit.Refuse(created.Error);
            var ca = created.Value;
            Console.WriteLine($"created {ca.Kind.ToString().ToLowerInvariant()} CA '{ca.Id}' ({ca.SubjectDn}), {ca.KeyAlgorithm.Name()}, valid until {Date(ca.NotAfter)}");
            return Exit.Ok;
        });
        return command;
    }

    private static Command Export(Option<string?> data)
    {
        var id = new Argument<string>("id") { Description = "The CA id" };
        var chain = new Option<bool>("--chain") { Description = "The chain from this CA up to its root (and an external root's chain), not only the CA certificate" };
        var output = new Option<string?>("--out") { Description = "Write to this file instead of stdout", HelpName = "FILE" };
        var command = new Command("export", "Write a CA certificate, or its chain, as PEM") { id, chain, output };
        command.SetAction(async (parse, ct) =>
        {
            await using var authority = await LocalAuthority.OpenAsync(parse.GetValue(data), requireHierarchy: false, ct);
            var cas = authority.Get<CaDirectory>();
            var caId = parse.GetValue(id)!;
            var ca = await cas.FindAsync(caId, ct);
            if (ca is null) return Exit.Refuse(new NotFound("ca", $"CA '{caId}' does not exist"));
            if (ca.Certificate is null) return Exit.Refuse(new Conflict($"CA '{caId}' has no certificate yet"));

            var certs = parse.GetValue(chain) ? (await cas.ChainAsync(caId, ct)).ToList() : [ca.Certificate];
            if (parse.GetValue(chain) && ca.Record.ExternalChainPem is { } external)
            {
                var above = new X509Certificate2Collection();
                above.ImportFromPem(external);
                certs.AddRange(above);
            }
            var path = parse.GetValue(output);
            await Files.WriteAsync(path, string.Concat(certs.Select(c => Files.Pem("CERTIFICATE", c.RawData))), ct);
            if (Files.ToFile(path)) Console.WriteLine($"wrote {certs.Count} certificate(s) of CA '{caId}' to {path}");
            return Exit.Ok;
        });
        return command;
    }

    public static void WriteTable(IEnumerable<CertificateAuthorityRecord> cas)
    {
        var rows = cas.OrderBy(c => c.CreatedAt).Select(c => new[]
        {
            c.Id, c.Kind.ToString().ToLowerInvariant(), Status(c.Status), c.KeyAlgorithm.Name(), c.ParentId ?? "-", Date(c.NotAfter), c.SubjectDn,
        }).ToList();
        string[] header = ["ID", "KIND", "STATUS", "KEY", "PARENT", "NOT AFTER", "SUBJECT"];
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
            Console.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))));
    }

    private static string Status(CaStatus s) => s == CaStatus.AwaitingCertificate ? "awaiting-certificate" : s.ToString().ToLowerInvariant();

    internal static string Date(DateTimeOffset? d) => d?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";
}
