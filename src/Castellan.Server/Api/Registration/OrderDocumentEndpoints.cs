using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Registration.Contracts;
using Castellan.Registration.Orders.Documents;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Certificates;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Castellan.Server.Api.Registration;

public sealed record OrderDocumentView(string Id, string OrderId, string FileName, string ContentType, long Size, string Sha256, string UploadedBy, DateTimeOffset UploadedAt)
{
    public static OrderDocumentView From(OrderDocument d) => new(d.Id, d.OrderId, d.FileName, d.ContentType, d.Size, d.Sha256, d.UploadedBy, d.UploadedAt);
}

public sealed record DelegationView(string OrderId, string Name, string Email, DateTimeOffset ExpiresAt);

internal sealed record DelegatedDownloadBody(string? OrderId, string? Email, string? Pin, string? Format);

/// <summary>
/// KYC documents of an order and certificate download delegation (seed 003). Uploads are the raw body (PDF, PNG or
/// JPEG) with the file name in <c>?name=</c>: no multipart parsing, and the size cap applies while reading.
/// </summary>
internal static class OrderDocumentEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/orders/{id}").WithTags("Orders");
        g.MapPost("/documents", UploadAsync).RequirePermission(Permission.OrdersViewOwn)
            .WithSummary("Attach a KYC document (raw body: PDF, PNG or JPEG, at most 5 MiB; ?name=file.pdf); the type is sniffed from the content");
        g.MapGet("/documents", async (string id, HttpContext http, OrderDocuments documents, CancellationToken ct) =>
        {
            var list = await documents.ListAsync(http.Caller(), id, ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(OrderDocumentView.From));
        }).RequirePermission(Permission.OrdersViewOwn).WithSummary("The order's KYC documents");
        g.MapGet("/documents/{documentId}", async (string id, string documentId, HttpContext http, OrderDocuments documents, CancellationToken ct) =>
        {
            var found = await documents.DownloadAsync(http.Caller(), id, documentId, http.Origin(), ct);
            if (found.IsError) return ProblemResults.From(found.Error);
            // Served only as the sniffed type, as an attachment, and never sniffed again by the browser.
            http.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
            http.Response.Headers[HeaderNames.ContentSecurityPolicy] = "sandbox; default-src 'none'";
            return Results.File(found.Value.Content, found.Value.Document.ContentType, found.Value.Document.FileName);
        }).RequirePermission(Permission.OrdersViewOwn).WithSummary("Download one KYC document (audited)");

        g.MapPost("/delegation", async (string id, DelegateDownloadRequest? body, HttpContext http, DownloadDelegation delegation, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var made = await delegation.DelegateAsync(http.Caller(), id, body, http.Origin(), ct);
            return made.IsError ? ProblemResults.From(made.Error) : Results.Ok(new DelegationView(made.Value.OrderId, made.Value.Name, made.Value.Email, made.Value.ExpiresAt));
        }).RequirePermission(Permission.OrdersViewOwn).WithSummary("Name a download delegate (name, email); a PIN is emailed to them and replaces any earlier one");

        api.MapPost("/delegated-downloads", DelegatedDownloadAsync).AllowAnonymous().WithTags("Orders")
            .WithSummary("A delegate downloads the order's certificate with the order id, their email and the emailed PIN (format pem, der or p7b); 5 wrong PINs lock it");
    }

    private static async Task<IResult> UploadAsync(string id, string? name, HttpContext http, OrderDocuments documents, CancellationToken ct)
    {
        // Read at most one byte past the cap: enough to know it is too large without buffering an unbounded body. The
        // declared Content-Length is not trusted for this (and answering before reading leaves honest clients mid-send).
        // The host caps bodies at 1 MiB; documents get their own cap, one byte over so "too large" is detectable.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = OrderDocuments.MaxBytes + 1;
        var buffer = new byte[OrderDocuments.MaxBytes + 1];
        var read = 0;
        try
        {
            while (read < buffer.Length)
            {
                var n = await http.Request.Body.ReadAsync(buffer.AsMemory(read), ct);
                if (n == 0) break;
                read += n;
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ProblemResults.From(new DocumentTooLarge(OrderDocuments.MaxBytes));
        }
        if (read > OrderDocuments.MaxBytes) return ProblemResults.From(new DocumentTooLarge(OrderDocuments.MaxBytes));
        var upload = new DocumentUpload(name, http.Request.ContentType, buffer[..read]);
        var stored = await documents.UploadAsync(http.Caller(), id, upload, http.Origin(), ct);
        return stored.IsError ? ProblemResults.From(stored.Error) : Results.Created($"/api/v1/orders/{id}/documents/{stored.Value.Id}", OrderDocumentView.From(stored.Value));
    }

    private static async Task<IResult> DelegatedDownloadAsync(DelegatedDownloadBody? body, HttpContext http, DownloadDelegation delegation, ICertificateStore store,
        CaDirectory cas, CancellationToken ct)
    {
        if (body is null) return ProblemResults.BadRequest("a JSON body is required");
        var wanted = (body.Format ?? "pem").Trim().ToLowerInvariant();
        if (wanted is not ("pem" or "der" or "p7b")) return ProblemResults.BadRequest($"unknown format '{body.Format}' (pem, der, p7b)");
        var order = await delegation.AuthorizeDownloadAsync(body.OrderId?.Trim(), body.Email, body.Pin?.Trim(), http.Origin("delegate").Address, ct);
        if (order.IsError) return ProblemResults.From(order.Error);
        var serial = order.Value.CertificateSerial!;
        var cert = await store.GetAsync(SerialNumber.Parse(serial), ct);
        if (cert?.Der is null) return ProblemResults.From(new NotFound("certificate", $"certificate {serial} does not exist"));
        switch (wanted)
        {
            case "der":
                return Results.File(cert.Der, "application/pkix-cert", $"{serial}.cer");
            case "p7b":
                var bundle = new X509Certificate2Collection { X509CertificateLoader.LoadCertificate(cert.Der) };
                bundle.AddRange((await cas.ChainAsync(cert.CaId, ct)).ToArray());
                return Results.File(bundle.Export(X509ContentType.Pkcs7)!, "application/pkcs7-mime", $"{serial}.p7b");
            default:
                return Results.Text(Pem.Certificate(cert.Der) + Pem.Chain(await cas.ChainAsync(cert.CaId, ct)), "application/pem-certificate-chain");
        }
    }
}
