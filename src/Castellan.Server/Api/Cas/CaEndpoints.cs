using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Server.Api.Certificates;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Cas;

public sealed record CaView(string Id, string Name, string Kind, string? Parent, string Subject, string KeyAlgorithm, string KeyStore,
    string Status, int? PathLength, DateTimeOffset CreatedAt, DateTimeOffset? NotAfter, string? ReplacedBy,
    IReadOnlyList<string> PermittedDnsNames, IReadOnlyList<string> ExcludedDnsNames, string? CertificatePem)
{
    public static CaView From(CertificateAuthorityRecord r) => new(r.Id, r.Name, r.Kind.ToString().ToLowerInvariant(), r.ParentId, r.SubjectDn,
        r.KeyAlgorithm.Name(), r.Key.Store, StatusName(r.Status), r.PathLength, r.CreatedAt, r.NotAfter, r.ReplacedBy, r.PermittedDnsNames,
        r.ExcludedDnsNames, r.CertificateDer is null ? null : Pem.Certificate(r.CertificateDer));

    private static string StatusName(CaStatus s) => s == CaStatus.AwaitingCertificate ? "awaiting-certificate" : s.ToString().ToLowerInvariant();
}

public sealed record CreateCaBody
{
    public string? Id { get; init; }
    public string? Subject { get; init; }
    public string? Parent { get; init; }
    public bool External { get; init; }
    public string? KeyAlgorithm { get; init; }
    public int? ValidityDays { get; init; }
    public int? PathLength { get; init; }
    public List<string>? PermittedDnsNames { get; init; }
    public List<string>? ExcludedDnsNames { get; init; }
}

public sealed record ImportCaCertificateBody(string? CertificatePem);

public sealed record RotateCaBody(string? NewId);

internal static class CaEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/cas").WithTags("Certificate authorities");
        g.MapGet("", async (CaDirectory cas, CancellationToken ct) => Results.Ok((await cas.AllAsync(ct)).Select(c => CaView.From(c.Record))))
            .WithSummary("List the CAs of the hierarchy");
        g.MapGet("/{id}", async (string id, CaDirectory cas, CancellationToken ct) =>
            await cas.FindAsync(id, ct) is { } ca ? Results.Ok(CaView.From(ca.Record)) : ProblemResults.From(new NotFound("ca", $"CA '{id}' does not exist")));
        g.MapGet("/{id}/chain", ChainAsync).WithSummary("The CA's chain up to the root: PEM (default) or PKCS#7 (?format=p7b)");
        g.MapGet("/{id}/csr", CsrAsync).WithSummary("The CSR of a CA waiting for an external root's signature");
        g.MapPost("", CreateAsync).WithSummary("Create a root, an intermediate, or an intermediate for an external root (CSR)");
        g.MapPost("/{id}/certificate", ImportAsync).WithSummary("Import the certificate an external root signed, followed by that root's chain");
        g.MapPost("/{id}/disable", async (string id, HttpContext http, CaHierarchy h, CancellationToken ct) =>
            Map(await h.DisableAsync(id, http.Caller().Actor, ct)));
        g.MapPost("/{id}/rotate", async (string id, RotateCaBody? body, HttpContext http, CaHierarchy h, CancellationToken ct) =>
            string.IsNullOrWhiteSpace(body?.NewId) ? ProblemResults.BadRequest("'newId' is required") : Map(await h.RotateAsync(id, body.NewId, http.Caller().Actor, ct)))
            .WithSummary("New key and certificate under the same parent; the old CA keeps serving CRL and OCSP");
    }

    private static IResult Map(Result<CertificateAuthorityRecord> r) => r.IsError ? ProblemResults.From(r.Error) : Results.Ok(CaView.From(r.Value));

    private static async Task<IResult> ChainAsync(string id, string? format, CaDirectory cas, CancellationToken ct)
    {
        var ca = await cas.FindAsync(id, ct);
        if (ca is null) return ProblemResults.From(new NotFound("ca", $"CA '{id}' does not exist"));
        var chain = (await cas.ChainAsync(id, ct)).ToList();
        if (chain.Count == 0) return ProblemResults.From(new Conflict($"CA '{id}' has no certificate yet"));
        var external = new X509Certificate2Collection();
        if (ca.Record.ExternalChainPem is { } pem) external.ImportFromPem(pem);
        chain.AddRange(external);
        return (format ?? "pem").ToLowerInvariant() switch
        {
            "pem" => Results.Text(Pem.Chain(chain), "application/pem-certificate-chain"),
            "p7b" or "pkcs7" => Results.File(new X509Certificate2Collection(chain.ToArray()).Export(X509ContentType.Pkcs7)!, "application/pkcs7-mime", $"{id}-chain.p7b"),
            _ => ProblemResults.BadRequest($"unknown format '{format}' (pem, p7b)"),
        };
    }

    private static async Task<IResult> CsrAsync(string id, CaDirectory cas, CancellationToken ct)
    {
        var ca = await cas.FindAsync(id, ct);
        if (ca is null) return ProblemResults.From(new NotFound("ca", $"CA '{id}' does not exist"));
        return ca.Record.CsrDer is { } csr
            ? Results.Text(PemEncoding.WriteString("CERTIFICATE REQUEST", csr) + "\n", "application/pkcs10")
            : ProblemResults.From(new Conflict($"CA '{id}' has no pending CSR"));
    }

    private static async Task<IResult> CreateAsync(CreateCaBody? body, HttpContext http, CaHierarchy h, CancellationToken ct)
    {
        if (body is null || string.IsNullOrWhiteSpace(body.Id) || string.IsNullOrWhiteSpace(body.Subject))
            return ProblemResults.BadRequest("'id' and 'subject' are required");
        var algorithm = KeyAlgorithm.EcP256;
        if (body.KeyAlgorithm is not null && !KeyAlgorithms.TryParse(body.KeyAlgorithm, out algorithm))
            return ProblemResults.BadRequest($"unknown keyAlgorithm '{body.KeyAlgorithm}'");
        var created = await h.CreateAsync(new CreateCaRequest
        {
            Id = body.Id, Subject = body.Subject, ParentId = body.Parent, External = body.External, KeyAlgorithm = algorithm,
            ValidityDays = body.ValidityDays ?? 5 * 365, PathLength = body.PathLength, PermittedDnsNames = body.PermittedDnsNames ?? [],
            ExcludedDnsNames = body.ExcludedDnsNames ?? [], Actor = http.Caller().Actor,
        }, ct);
        return created.IsError ? ProblemResults.From(created.Error) : Results.Created($"/api/v1/cas/{created.Value.Id}", CaView.From(created.Value));
    }

    private static async Task<IResult> ImportAsync(string id, ImportCaCertificateBody? body, HttpContext http, CaHierarchy h, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.CertificatePem)) return ProblemResults.BadRequest("'certificatePem' is required");
        try
        {
            return Map(await h.ImportCertificateAsync(id, body.CertificatePem, http.Caller().Actor, ct));
        }
        catch (CryptographicException)
        {
            return ProblemResults.BadRequest("the certificate could not be read");
        }
    }
}
