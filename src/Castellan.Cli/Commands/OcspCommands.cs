using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Castellan.Cli.Ocsp;
using BcX509Certificate = Org.BouncyCastle.X509.X509Certificate;

namespace Castellan.Cli.Commands;

/// <summary><c>castellan ocsp check</c>: asks any RFC 6960 responder (ours or another CA's) about one certificate.</summary>
internal static class OcspCommands
{
    public static Command Create()
    {
        var cert = new Option<string>("--cert") { Description = "The certificate to check (PEM or DER)", Required = true, HelpName = "FILE" };
        var issuer = new Option<string>("--issuer") { Description = "The certificate of the CA that issued it (PEM or DER)", Required = true, HelpName = "FILE" };
        var url = new Option<string?>("--url") { Description = "Responder URL; default: the OCSP URL in the certificate's AIA extension", HelpName = "URL" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the responder", DefaultValueFactory = _ => 30 };
        var check = new Command("check", "Ask an OCSP responder; prints good, revoked or unknown. Exit 0 only for good") { cert, issuer, url, timeout };
        check.SetAction(async (parse, ct) =>
        {
            using var subject = Files.ReadCertificate(parse.GetValue(cert)!, "certificate");
            using var ca = Files.ReadCertificate(parse.GetValue(issuer)!, "issuer");
            var responder = ResponderUrl(parse.GetValue(url), subject);
            if (parse.GetValue(timeout) is < 1 or > 600) return Exit.UsageError("--timeout must be between 1 and 600 seconds");

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)) };
            var client = new OcspClient(http, TimeProvider.System);
            Result<OcspAnswer> answer;
            try
            {
                answer = await client.CheckAsync(new BcX509Certificate(subject.RawData), new BcX509Certificate(ca.RawData), responder, ct);
            }
            catch (HttpRequestException e)
            {
                return Exit.Failure($"cannot reach the OCSP responder at {responder}: {e.Message}");
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                return Exit.Failure($"the OCSP responder at {responder} did not answer within {parse.GetValue(timeout)} s");
            }
            if (answer.IsError) return Exit.Refuse(answer.Error);

            var a = answer.Value;
            var times = $"this update {CaCommands.Date(Utc(a.ThisUpdate))}, next update {CaCommands.Date(a.NextUpdate is { } n ? Utc(n) : null)}";
            Console.WriteLine(a.Status switch
            {
                OcspCertStatus.Good => $"good ({times}; signed by {a.Responder})",
                OcspCertStatus.Revoked => $"revoked at {CaCommands.Date(a.RevokedAt is { } r ? Utc(r) : null)}, reason {ReasonName(a.Reason)} ({times}; signed by {a.Responder})",
                _ => $"unknown: the responder does not know this certificate ({times}; signed by {a.Responder})",
            });
            return a.Status == OcspCertStatus.Good ? Exit.Ok : Exit.Refused;
        });
        return new Command("ocsp", "OCSP (RFC 6960) client") { check };
    }

    private static Uri ResponderUrl(string? given, X509Certificate2 subject)
    {
        var text = given ?? subject.Extensions.OfType<X509AuthorityInformationAccessExtension>().FirstOrDefault()?.EnumerateOcspUris().FirstOrDefault()
            ?? throw new UsageException("the certificate names no OCSP responder (AIA); give one with --url");
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"'{text}' is not an http or https URL");
    }

    private static DateTimeOffset Utc(DateTime d) => new(DateTime.SpecifyKind(d, DateTimeKind.Utc));

    private static string ReasonName(int? code) => code is null ? "not given" : Enum.IsDefined(typeof(Authority.Contracts.RevocationReason), code.Value)
        ? RevokeCommand.ReasonName((Authority.Contracts.RevocationReason)code.Value)
        : code.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
