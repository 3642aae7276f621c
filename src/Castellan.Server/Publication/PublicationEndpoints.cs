using Castellan.Authority.Contracts;
using Castellan.Authority.Crl;
using Castellan.Authority.Hierarchy;
using Castellan.Authority.Ocsp;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Publication;

/// <summary>What relying parties fetch without credentials: CRLs, CA certificates (AIA caIssuers) and OCSP.</summary>
internal static class PublicationEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/crl/{file}", CrlAsync).WithTags("Publication").WithSummary("The CA's current CRL (application/pkix-crl)");
        app.MapGet("/ca/{file}", CaCertificateAsync).WithTags("Publication").WithSummary("The CA certificate (application/pkix-cert)");
        // RFC 6960 A.1: POST with application/ocsp-request; RFC 5019: GET with the base64 request in the path.
        app.MapPost("/ocsp", OcspPostAsync).WithTags("Publication").DisableAntiforgery();
        app.MapGet("/ocsp/{**request}", OcspGetAsync).WithTags("Publication");
    }

    private static async Task<IResult> CrlAsync(string file, ICaStore store, CaDirectory cas, CrlPublisher publisher, TimeProvider clock, CancellationToken ct)
    {
        if (!file.EndsWith(".crl", StringComparison.Ordinal)) return ProblemResults.From(new NotFound("CRL", "CRLs are served as /crl/{ca}.crl"));
        var caId = file[..^4];
        if (await cas.FindAsync(caId, ct) is null) return ProblemResults.From(new NotFound("CRL", $"CA '{caId}' does not exist"));
        var crl = await store.GetLatestCrlAsync(caId, 0, ct);
        if (crl is null || crl.NextUpdate <= clock.GetUtcNow())
        {
            var published = await publisher.PublishAsync(caId, "system", ct);
            if (published.IsError) return ProblemResults.From(published.Error);
            crl = published.Value;
        }
        return Results.File(crl.Der, "application/pkix-crl", lastModified: crl.ThisUpdate);
    }

    private static async Task<IResult> CaCertificateAsync(string file, CaDirectory cas, CancellationToken ct)
    {
        var caId = file.EndsWith(".cer", StringComparison.Ordinal) || file.EndsWith(".crt", StringComparison.Ordinal) ? file[..^4] : file;
        var ca = await cas.FindAsync(caId, ct);
        return ca?.Certificate is null
            ? ProblemResults.From(new NotFound("CA certificate", $"CA '{caId}' does not exist"))
            : Results.File(ca.Certificate.RawData, "application/pkix-cert");
    }

    private static async Task<IResult> OcspPostAsync(HttpRequest request, OcspResponder responder, CancellationToken ct)
    {
        if (request.ContentLength > OcspResponder.MaxRequestBytes)
            return ProblemResults.Problem(413, "too-large", "The request body is too large", $"an OCSP request is at most {OcspResponder.MaxRequestBytes} bytes");
        var body = new byte[OcspResponder.MaxRequestBytes + 1];
        var total = 0;
        int read;
        while (total < body.Length && (read = await request.Body.ReadAsync(body.AsMemory(total), ct)) > 0) total += read;
        var response = await responder.RespondAsync(body.AsSpan(0, Math.Min(total, OcspResponder.MaxRequestBytes + 1)).ToArray(), ct);
        return Results.Bytes(response, "application/ocsp-response");
    }

    private static async Task<IResult> OcspGetAsync(string request, OcspResponder responder, HttpResponse http, CancellationToken ct)
    {
        byte[] der;
        try
        {
            var b64 = Uri.UnescapeDataString(request);
            der = b64.Length > OcspResponder.MaxRequestBytes * 2 ? [] : Convert.FromBase64String(b64);
        }
        catch (FormatException)
        {
            der = [];
        }
        var response = await responder.RespondAsync(der, ct);
        // RFC 5019 6.2: GET responses are cacheable by HTTP proxies.
        http.Headers.CacheControl = "public, max-age=3600, no-transform, must-revalidate";
        return Results.Bytes(response, "application/ocsp-response");
    }
}
