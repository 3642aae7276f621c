using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Castellan.Authority.Contracts;
using Castellan.Protocols.Acme.Jws;
using Castellan.Protocols.Acme.Messages;
using Castellan.Protocols.Acme.Problems;
using Microsoft.AspNetCore.Http;

namespace Castellan.Protocols.Acme.Endpoints;

/// <summary>
/// RFC 8555 §7.6 revokeCert: signed by the account that ordered the certificate (kid), or by the certificate's own
/// key (jwk). Revocation goes through the RA to the CA's use case, so the CRL and OCSP follow at once.
/// </summary>
internal static class RevokeCertEndpoint
{
    /// <summary>RFC 5280 reasons a subscriber may give (as Boulder allows): not hold, not CA/AA compromise, not removeFromCRL.</summary>
    private static readonly HashSet<int> Allowed = [0, 1, 3, 4, 5, 9];

    public static async Task<IResult> HandleAsync(HttpContext http, AcmeServices s)
    {
        var dir = AcmeEndpoints.Dir(http, s);
        var read = await s.Reader.ReadAsync(http, dir, KeyMode.Either);
        if (read.IsError) return AcmeProblems.Result(read.Error);
        var r = read.Value;
        if (r.PostAsGet || !r.Payload.TryGetProperty("certificate", out var c) || c.ValueKind != JsonValueKind.String || !Base64Url.TryDecode(c.GetString(), out var der))
            return AcmeProblems.Result(new MalformedInput("'certificate' must be the base64url DER certificate"));
        var reason = 0;
        if (r.Payload.TryGetProperty("reason", out var re))
        {
            if (re.ValueKind != JsonValueKind.Number || !re.TryGetInt32(out reason)) return AcmeProblems.Result(new BadRevocationReason("'reason' must be an RFC 5280 reason code"));
            if (!Allowed.Contains(reason)) return AcmeProblems.Result(new BadRevocationReason($"reason {reason} is not accepted (0, 1, 3, 4, 5, 9)"));
        }

        X509Certificate2 cert;
        try { cert = X509CertificateLoader.LoadCertificate(der); }
        catch (CryptographicException) { return AcmeProblems.Result(new MalformedInput("'certificate' is not a DER certificate")); }
        using (cert)
        {
            var serial = SerialNumber.FromBytes(cert.SerialNumberBytes.Span).Hex;
            var known = await s.Enrollment.FindCertificateAsync(serial, http.RequestAborted);
            if (known?.Der is null || !known.Der.AsSpan().SequenceEqual(der)) return AcmeProblems.Result(new AcmeNotFound("this server did not issue that certificate"));

            if (r.Account is { } account)
            {
                var order = await s.Store.FindOrderByCertificateAsync(serial, http.RequestAborted);
                if (order is null || order.AccountId != account.Id) return AcmeProblems.Result(new Unauthorized("the account did not order this certificate"));
            }
            else if (!r.Key.SubjectPublicKeyInfo().AsSpan().SequenceEqual(cert.PublicKey.ExportSubjectPublicKeyInfo()))
            {
                return AcmeProblems.Result(new Unauthorized("the JWS is not signed by the certificate's key"));
            }
            if (known.Revoked) return AcmeProblems.Result(new AlreadyRevoked("the certificate is already revoked"));

            var actor = r.Account is { } a ? "acme:" + a.Id : "acme:certificate-key";
            var revoked = await s.Enrollment.RevokeAsync(serial, (RevocationReason)reason, actor, CancellationToken.None);
            if (revoked.IsError) return AcmeProblems.Result(revoked.Error is Conflict ? new AlreadyRevoked(revoked.Error.Detail) : revoked.Error);
            return Results.Ok();
        }
    }
}
