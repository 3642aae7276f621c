using System.CommandLine;
using Castellan.Authority.Contracts;
using Castellan.Authority.Issuance;
using Castellan.Cli.Hosting;

namespace Castellan.Cli.Commands;

/// <summary><c>castellan issue</c>: a certificate from a CSR through <see cref="IssueCertificate"/>, the same use case as the REST API.</summary>
internal static class IssueCommand
{
    public static Command Create(Option<string?> data)
    {
        var profile = new Option<string>("--profile") { Description = "Certificate profile, e.g. tls-server, tls-client, mtls", Required = true, HelpName = "PROFILE" };
        var csr = new Option<string>("--csr") { Description = "PKCS#10 request, PEM or DER (RFC 2986; its signature is verified)", Required = true, HelpName = "FILE" };
        var sans = new Option<string[]>("--san") { Description = "Subject alternative name, e.g. dns:www.example.com, ip:192.0.2.1 (repeatable; replaces the CSR's)", HelpName = "NAME" };
        var subject = new Option<string?>("--subject") { Description = "Subject DN (replaces the CSR's), e.g. \"CN=www.example.com\"", HelpName = "DN" };
        var days = new Option<int?>("--days") { Description = "Validity in days (default: the profile's)" };
        var issuer = new Option<string?>("--issuer") { Description = "Issuing CA id (default: the newest active intermediate)", HelpName = "CA" };
        var chain = new Option<bool>("--with-chain") { Description = "Append the issuing CA's chain after the certificate" };
        var output = new Option<string?>("--out") { Description = "Write the PEM certificate to this file instead of stdout", HelpName = "FILE" };
        var command = new Command("issue", "Issue a certificate from a CSR; writes PEM") { profile, csr, sans, subject, days, issuer, chain, output };
        command.SetAction(async (parse, ct) =>
        {
            var csrPath = parse.GetValue(csr)!;
            var csrBytes = Files.Read(csrPath, "CSR");
            // The use case reads PEM or bare base64 DER; a binary file is DER.
            var csrText = csrBytes.AsSpan().IndexOf("-----BEGIN"u8) >= 0 ? System.Text.Encoding.ASCII.GetString(csrBytes) : Convert.ToBase64String(csrBytes);
            var requestedSans = parse.GetValue(sans);

            await using var authority = await LocalAuthority.OpenAsync(parse.GetValue(data), requireHierarchy: true, ct);
            var issued = await authority.Get<IssueCertificate>().FromCsrAsync(new IssuanceRequest
            {
                ProfileId = parse.GetValue(profile)!,
                Csr = csrText,
                Sans = requestedSans is { Length: > 0 } ? requestedSans : null,
                Subject = parse.GetValue(subject),
                ValidityDays = parse.GetValue(days),
                IssuerId = parse.GetValue(issuer),
                RequestedBy = LocalAuthority.Actor,
            }, ct);
            if (issued.IsError) return Exit.Refuse(issued.Error);

            var result = issued.Value;
            var pem = Files.Pem("CERTIFICATE", result.Der);
            if (parse.GetValue(chain)) pem += string.Concat(result.Chain.Select(c => Files.Pem("CERTIFICATE", c.RawData)));
            var path = parse.GetValue(output);
            await Files.WriteAsync(path, pem, ct);
            if (Files.ToFile(path))
            {
                var c = result.Certificate;
                Console.WriteLine($"issued {c.Serial.Hex} to {c.SubjectDn} by CA '{c.CaId}', valid until {CaCommands.Date(c.NotAfter)}; wrote {path}");
            }
            return Exit.Ok;
        });
        return command;
    }
}
