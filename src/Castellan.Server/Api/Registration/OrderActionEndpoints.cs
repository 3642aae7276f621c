using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Registration.Contracts;
using Castellan.Registration.Orders;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Certificates;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Registration;

/// <summary>
/// Order actions beyond the approval flow (seed 003 "Order actions", docs/flows/orders.md "Order actions"). Like
/// <see cref="OrderEndpoints"/>, endpoints open to the placer declare OrdersViewOwn and the RA checks the rest per order.
/// Actions that create an order (reissue, renew, SAN changes) take an Idempotency-Key: 201 for a new order, 200 for a replay.
/// </summary>
internal static class OrderActionEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/orders").WithTags("Orders");

        g.MapPost("/{id}/fulfil", async (string id, HttpContext http, FulfilOrder fulfil, CancellationToken ct) =>
            Reply(await fulfil.FulfilAsync(http.Caller(), id, http.Origin(), ct)))
            .RequirePermission(Permission.OrdersApprove).WithSummary("Complete an accepted order of a manual (or API) product: it is issued now (RA officers; an account's approvers for its private products)");

        g.MapPost("/{id}/decision", async (string id, DecisionRequest? body, HttpContext http, FulfilOrder fulfil, CancellationToken ct) =>
            Reply(await fulfil.DecideAsync(http.Caller(), id, body ?? new DecisionRequest(null, null), http.Origin(), ct)))
            .RequirePermission(Permission.OrdersApprove).WithSummary("An external approver's real-time decision on an order of an API-approved product: approve (issued at once) or reject with a reason");

        g.MapPost("/{id}/reissue", async (string id, ReissueRequest? body, HttpContext http, ReissueOrder reissue, CancellationToken ct) =>
            Created(await reissue.ReissueAsync(http.Caller(), id, Key(http), body ?? new ReissueRequest(null, null, null), http.Origin(), ct)))
            .RequirePermission(Permission.OrdersViewOwn).WithSummary("Reissue a fulfilled order for free inside its coverage, with a reason from the list; the old certificate is revoked after the grace period");

        g.MapPost("/{id}/renew", async (string id, RenewRequest? body, HttpContext http, RenewOrder renew, CancellationToken ct) =>
            Created(await renew.RenewAsync(http.Caller(), id, Key(http), body ?? new RenewRequest(null, null, null, null), http.Origin(), ct)))
            .RequirePermission(Permission.CertificatesRequest).WithSummary("Renew a fulfilled order from 60 days before its certificate expires: a new priced order for the same product and names");

        g.MapPost("/{id}/sans", async (string id, ChangeSansRequest? body, HttpContext http, ChangeSans change, CancellationToken ct) =>
            Created(await change.ChangeAsync(http.Caller(), id, Key(http), body ?? new ChangeSansRequest(null, null, null, null), http.Origin(), ct)))
            .RequirePermission(Permission.OrdersViewOwn).WithSummary("Add or remove names on a multi-domain order: a reissue with the new names, extra names priced");

        g.MapPost("/{id}/revoke", async (string id, RevokeOrderRequest? body, HttpContext http, RevokeOrderCertificate revoke, CancellationToken ct) =>
            Reply(await revoke.RevokeAsync(http.Caller(), id, body ?? new RevokeOrderRequest(null, null), http.Origin(), ct)))
            .RequirePermission(Permission.OrdersViewOwn).WithSummary("Revoke the order's certificate with a reason (unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation) and remarks");

        g.MapPatch("/{id}", async (string id, EditOrderRequest? body, HttpContext http, EditOrderDetails edit, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            return Reply(await edit.EditAsync(http.Caller(), id, body, http.Origin(), ct));
        }).RequirePermission(Permission.OrdersViewOwn).WithSummary("Edit custom fields, reporting tags and additional recipients after placement");

        g.MapPost("/{id}/tracking-link", async (string id, HttpContext http, TrackingLinks links, CancellationToken ct) =>
        {
            var token = await links.CreateAsync(http.Caller(), id, http.Origin(), ct);
            if (token.IsError) return ProblemResults.From(token.Error);
            return Results.Ok(new { token = token.Value, url = $"{http.Request.Scheme}://{http.Request.Host}/track/{token.Value}" });
        }).RequirePermission(Permission.OrdersViewOwn).WithSummary("A new shareable read-only tracking link (shown once; an earlier link stops working)");

        g.MapGet("/{id}/certificate", DownloadAsync).RequirePermission(Permission.OrdersViewOwn)
            .WithSummary("The order's certificate: format=pem (with chain), der, p7b; p12 only where the key was generated here");

        g.MapGet("/export.xlsx", OrderExport.ExportAsync).RequirePermission(Permission.OrdersViewOwn)
            .WithSummary("The orders GET /orders finds (same filters, every page) as an Excel sheet, with custom field values as columns");
    }

    private static async Task<IResult> DownloadAsync(string id, string? format, HttpContext http, OrderService orders, ICertificateStore store, CaDirectory cas, CancellationToken ct)
    {
        var wanted = (format ?? "pem").Trim().ToLowerInvariant();
        if (wanted is not ("pem" or "der" or "p7b" or "p12")) return ProblemResults.BadRequest($"unknown format '{format}' (pem, der, p7b, p12)");
        var order = await orders.GetAsync(http.Caller(), id, ct);
        if (order.IsError) return ProblemResults.From(order.Error);
        if (order.Value.CertificateSerial is not { } serial) return ProblemResults.From(new Conflict($"order '{id}' has no certificate yet"));
        // Keys of orders are the subscriber's (a CSR); a key generated here is handed out once at issuance and never kept.
        if (wanted == "p12") return ProblemResults.From(new Conflict("the key of this order was generated by the subscriber, so there is no PKCS#12 to download; use pem, der or p7b"));
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

    private static string Key(HttpContext http) => http.Request.Headers["Idempotency-Key"].ToString();

    private static IResult Reply(Result<Order> result) => result.IsError ? ProblemResults.From(result.Error) : Results.Ok(OrderView.From(result.Value));

    private static IResult Created(Result<OrderOutcome> result)
    {
        if (result.IsError) return ProblemResults.From(result.Error);
        var view = OrderView.From(result.Value.Order);
        return result.Value.Replayed ? Results.Ok(view) : Results.Created($"/api/v1/orders/{view.Id}", view);
    }
}
