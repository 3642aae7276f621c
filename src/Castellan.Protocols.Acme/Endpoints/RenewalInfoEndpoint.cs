using System.Security.Cryptography.X509Certificates;
using Castellan.Protocols.Acme.Problems;
using Castellan.Protocols.Acme.RenewalInfo;
using Microsoft.AspNetCore.Http;

namespace Castellan.Protocols.Acme.Endpoints;

/// <summary>
/// RFC 9773 §4.2 renewalInfo: an unauthenticated GET. The suggested window is the last third of the validity,
/// ending a ninth of it before expiry; a revoked certificate, or one of a CA the operator is replacing, gets a
/// window that starts now, so clients renew at once. Retry-After tells clients when to ask again.
/// </summary>
internal static class RenewalInfoEndpoint
{
    public static async Task<IResult> HandleAsync(string certId, HttpContext http, AcmeServices s)
    {
        if (CertId.Parse(certId) is not { } id) return AcmeProblems.Result(new MalformedInput("the certificate identifier is not base64url(AKI).base64url(serial)"));
        var cert = await s.Enrollment.FindCertificateAsync(id.SerialHex, http.RequestAborted);
        if (cert?.Der is null || !AkiMatches(cert.Der, id.KeyIdentifier)) return AcmeProblems.Result(new AcmeNotFound("no such certificate"));

        var now = s.Now;
        DateTimeOffset start, end;
        string? explanation = null; // why the window moved; kept for a later explanationURL page
        var replacement = await s.Store.FindCaReplacementAsync(cert.CaId, http.RequestAborted);
        // Compared with when the CA recorded the certificate, not NotBefore: NotBefore is backdated, and a replacement
        // issued in the minute after the operator started would otherwise be told to renew again, for ever.
        if (cert.Revoked || (replacement is { } at && at >= cert.RecordedAt))
        {
            start = now - TimeSpan.FromMinutes(1);
            end = now + TimeSpan.FromHours(1);
            explanation = cert.Revoked ? "the certificate was revoked" : "the issuing CA is being replaced";
        }
        else
        {
            var life = cert.NotAfter - cert.NotBefore;
            start = cert.NotAfter - life / 3;
            end = cert.NotAfter - life / 9;
        }
        http.Response.Headers.RetryAfter = explanation is null ? "21600" : "3600";
        return AcmeResponses.Object(new { suggestedWindow = new { start = AcmeResponses.Time(start), end = AcmeResponses.Time(end) } });
    }

    private static bool AkiMatches(byte[] der, byte[] keyIdentifier)
    {
        using var cert = X509CertificateLoader.LoadCertificate(der);
        foreach (var ext in cert.Extensions)
        {
            if (ext is X509AuthorityKeyIdentifierExtension aki && aki.KeyIdentifier is { } k) return k.Span.SequenceEqual(keyIdentifier);
        }
        return false;
    }
}
