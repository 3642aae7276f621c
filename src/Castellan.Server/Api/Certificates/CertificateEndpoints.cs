using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Authority.Issuance;
using Castellan.Authority.Revocation;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Certificates;

internal static class CertificateEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/certificates").WithTags("Certificates");
        g.MapPost("", IssueAsync).WithSummary("Issue a certificate from a CSR, or with a key generated here (PKCS#12)");
        g.MapGet("", SearchAsync).WithSummary("Search by serial, subject, SAN, status, issuer and expiry window");
        g.MapGet("/{serial}", GetAsync).WithSummary("One certificate: JSON, or PEM/DER/PKCS#7 by Accept header or ?format=");
        g.MapPost("/{serial}/revoke", RevokeAsync).WithSummary("Revoke with an RFC 5280 reason; certificateHold puts it on hold");
        g.MapPost("/{serial}/release", ReleaseAsync).WithSummary("Release a certificate from hold");
    }

    private static async Task<IResult> IssueAsync(IssueCertificateBody? body, HttpContext http, IssueCertificate issue, CancellationToken ct)
    {
        if (body is null) return ProblemResults.BadRequest("a JSON body is required");
        if (string.IsNullOrWhiteSpace(body.Profile)) return ProblemResults.BadRequest("'profile' is required");
        var request = new IssuanceRequest
        {
            ProfileId = body.Profile, Csr = body.Csr, Subject = body.Subject, Sans = body.Sans, ValidityDays = body.ValidityDays,
            IssuerId = body.Issuer, RequestedBy = http.Caller().Actor,
        };
        if (body.KeyAlgorithm is not null)
        {
            if (body.Csr is not null) return ProblemResults.BadRequest("send either 'csr' or 'keyAlgorithm', not both");
            if (!KeyAlgorithms.TryParse(body.KeyAlgorithm, out var algorithm))
                return ProblemResults.BadRequest($"unknown keyAlgorithm '{body.KeyAlgorithm}' (ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096)");
            var generated = await issue.WithGeneratedKeyAsync(new KeyGenerationRequest { Issuance = request, KeyAlgorithm = algorithm, Password = body.Pkcs12Password }, ct);
            if (generated.IsError) return ProblemResults.From(generated.Error);
            var g = generated.Value;
            return Created(g.Issued, Convert.ToBase64String(g.Pkcs12), body.Pkcs12Password is null ? g.Password : null);
        }
        if (body.Csr is null) return ProblemResults.BadRequest("'csr' (PEM) is required, or 'keyAlgorithm' for a key generated here");
        var issued = await issue.FromCsrAsync(request, ct);
        return issued.IsError ? ProblemResults.From(issued.Error) : Created(issued.Value, null, null);
    }

    private static IResult Created(IssuanceResult issued, string? pkcs12, string? password)
    {
        var view = new IssuedView
        {
            SerialNumber = issued.Certificate.Serial.Hex,
            CertificatePem = Pem.Certificate(issued.Der),
            ChainPem = Pem.Chain(issued.Chain),
            Certificate = CertificateView.From(issued.Certificate),
            Pkcs12 = pkcs12,
            Pkcs12Password = password,
        };
        return Results.Created($"/api/v1/certificates/{view.SerialNumber}", view);
    }

    private static async Task<IResult> GetAsync(string serial, string? format, HttpContext http, ICertificateStore store, CaDirectory cas, CancellationToken ct)
    {
        if (!SerialNumber.TryParse(serial, out var s)) return ProblemResults.BadRequest($"'{serial}' is not a hexadecimal serial number");
        var cert = await store.GetAsync(s, ct);
        if (cert is null || cert.Der is null || cert.Status is CertificateStatus.Reserved or CertificateStatus.Abandoned)
            return ProblemResults.From(new NotFound("certificate", $"certificate {s} does not exist"));
        var accept = http.Request.Headers.Accept.ToString();
        var wanted = (format ?? "").ToLowerInvariant() switch
        {
            "pem" => "pem",
            "der" or "cer" or "crt" => "der",
            "p7b" or "p7c" or "pkcs7" => "p7b",
            "json" => "json",
            "" => accept.Contains("application/pem-certificate-chain", StringComparison.Ordinal) || accept.Contains("application/x-pem-file", StringComparison.Ordinal) ? "pem"
                : accept.Contains("application/pkix-cert", StringComparison.Ordinal) ? "der"
                : accept.Contains("application/pkcs7-mime", StringComparison.Ordinal) ? "p7b" : "json",
            _ => null,
        };
        switch (wanted)
        {
            case null:
                return ProblemResults.BadRequest($"unknown format '{format}' (pem, der, p7b, json)");
            case "der":
                return Results.File(cert.Der, "application/pkix-cert", $"{s.Hex}.cer");
            case "pem":
                var chain = await cas.ChainAsync(cert.CaId, ct);
                return Results.Text(Pem.Certificate(cert.Der) + Pem.Chain(chain), "application/pem-certificate-chain");
            case "p7b":
                var bundle = new X509Certificate2Collection { X509CertificateLoader.LoadCertificate(cert.Der) };
                bundle.AddRange((await cas.ChainAsync(cert.CaId, ct)).ToArray());
                return Results.File(bundle.Export(X509ContentType.Pkcs7)!, "application/pkcs7-mime", $"{s.Hex}.p7b");
            default:
                return Results.Ok(CertificateView.From(cert));
        }
    }

    private static async Task<IResult> SearchAsync(HttpContext http, ICertificateStore store, CancellationToken ct)
    {
        var q = http.Request.Query;
        CertificateStatus? status = null;
        if (q["status"].ToString() is { Length: > 0 } st)
        {
            if (!Enum.TryParse<CertificateStatus>(st, true, out var parsed) || parsed is CertificateStatus.Reserved or CertificateStatus.Abandoned || int.TryParse(st, out _))
                return ProblemResults.BadRequest($"unknown status '{st}' (valid, revoked, onhold)");
            status = parsed;
        }
        var page = 1;
        var size = 50;
        if (q["page"].ToString() is { Length: > 0 } p && (!int.TryParse(p, out page) || page < 1)) return ProblemResults.BadRequest("'page' must be a positive integer");
        if (q["pageSize"].ToString() is { Length: > 0 } ps && (!int.TryParse(ps, out size) || size is < 1 or > 500)) return ProblemResults.BadRequest("'pageSize' must be between 1 and 500");
        // (page - 1) * size must fit the store's int offset; an overflow would wrap negative and silently serve page 1.
        if ((long)(page - 1) * size > int.MaxValue) return ProblemResults.BadRequest("'page' is beyond any possible result");
        if (!TryDate(q["expiresAfter"], out var after) || !TryDate(q["expiresBefore"], out var before))
            return ProblemResults.BadRequest("'expiresAfter' and 'expiresBefore' must be ISO 8601 dates");
        var serial = q["serial"].ToString();
        if (serial.Length > 0)
        {
            if (!SerialNumber.TryParse(serial, out var parsedSerial)) return ProblemResults.BadRequest($"'{serial}' is not a hexadecimal serial number");
            serial = parsedSerial.Hex;
        }
        var result = await store.SearchAsync(new CertificateQuery
        {
            Serial = serial, Subject = q["subject"], San = q["san"], Status = status, CaId = q["issuer"], ExpiresAfter = after, ExpiresBefore = before,
            Skip = (page - 1) * size, Take = size,
        }, ct);
        return Results.Ok(new CertificatePage(result.Items.Select(c => CertificateView.From(c) with { CertificatePem = null }).ToList(), result.Total, page, size));
    }

    private static bool TryDate(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrEmpty(text)) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d)) return false;
        value = d;
        return true;
    }

    private static async Task<IResult> RevokeAsync(string serial, RevokeBody? body, HttpContext http, RevokeCertificate revoke, CancellationToken ct)
    {
        if (!SerialNumber.TryParse(serial, out var s)) return ProblemResults.BadRequest($"'{serial}' is not a hexadecimal serial number");
        if (!RevokeCertificate.TryParseReason(body?.Reason, out var reason))
            return ProblemResults.BadRequest($"unknown revocation reason '{body?.Reason}' (unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, privilegeWithdrawn, aACompromise)");
        var result = await revoke.RevokeAsync(s, reason, http.Caller().Actor, ct);
        return result.IsError ? ProblemResults.From(result.Error) : Results.Ok(CertificateView.From(result.Value) with { CertificatePem = null });
    }

    private static async Task<IResult> ReleaseAsync(string serial, HttpContext http, RevokeCertificate revoke, CancellationToken ct)
    {
        if (!SerialNumber.TryParse(serial, out var s)) return ProblemResults.BadRequest($"'{serial}' is not a hexadecimal serial number");
        var result = await revoke.ReleaseHoldAsync(s, http.Caller().Actor, ct);
        return result.IsError ? ProblemResults.From(result.Error) : Results.Ok(CertificateView.From(result.Value) with { CertificatePem = null });
    }
}
