using System.CommandLine;
using Castellan.Authority.Revocation;
using Castellan.Cli.Hosting;

namespace Castellan.Cli.Commands;

/// <summary><c>castellan revoke</c>: through <see cref="RevokeCertificate"/>, which also republishes the CA's CRL (BR 4.9.7).</summary>
internal static class RevokeCommand
{
    private const string Reasons = "unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, privilegeWithdrawn, aACompromise";

    public static Command Create(Option<string?> data)
    {
        var serial = new Argument<string>("serial") { Description = "Serial number in hexadecimal (colons allowed)" };
        var reason = new Option<string?>("--reason") { Description = $"RFC 5280 5.3.1 reason: {Reasons}; certificateHold puts it on hold", HelpName = "REASON" };
        var command = new Command("revoke", "Revoke a certificate; the CRL is republished at once") { serial, reason };
        command.SetAction(async (parse, ct) =>
        {
            var text = parse.GetValue(serial);
            if (!SerialNumber.TryParse(text, out var s)) return Exit.UsageError($"'{text}' is not a hexadecimal serial number");
            var reasonText = parse.GetValue(reason);
            if (!RevokeCertificate.TryParseReason(reasonText, out var r)) return Exit.UsageError($"unknown revocation reason '{reasonText}' ({Reasons})");

            await using var authority = await LocalAuthority.OpenAsync(parse.GetValue(data), requireHierarchy: true, ct);
            var revoked = await authority.Get<RevokeCertificate>().RevokeAsync(s, r, LocalAuthority.Actor, ct);
            if (revoked.IsError) return Exit.Refuse(revoked.Error);
            Console.WriteLine($"{(r == Authority.Contracts.RevocationReason.CertificateHold ? "put on hold" : "revoked")} {s.Hex} ({ReasonName(r)}); CRL of CA '{revoked.Value.CaId}' republished");
            return Exit.Ok;
        });
        return command;
    }

    /// <summary>The RFC 5280 5.3.1 spelling (keyCompromise, cACompromise, aACompromise).</summary>
    public static string ReasonName(Authority.Contracts.RevocationReason reason) => reason switch
    {
        Authority.Contracts.RevocationReason.CaCompromise => "cACompromise",
        Authority.Contracts.RevocationReason.AaCompromise => "aACompromise",
        Authority.Contracts.RevocationReason.RemoveFromCrl => "removeFromCRL",
        _ => char.ToLowerInvariant(reason.ToString()[0]) + reason.ToString()[1..],
    };
}
