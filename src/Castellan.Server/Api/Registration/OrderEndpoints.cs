using Castellan.Registration.Contracts;
using Castellan.Registration.Orders;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Registration;

/// <summary>
/// Orders (docs/flows/orders.md). The RA decides and audits; these handlers only translate HTTP. Acting on an existing
/// order is open to its placer (CertificatesRequest) or to OrdersManage, so those endpoints declare only
/// OrdersViewOwn, which both hold, and <see cref="OrderService"/> checks the rest per order.
/// </summary>
internal static class OrderEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/orders").WithTags("Orders");
        g.MapPost("", async (PlaceOrderRequest? body, HttpContext http, OrderService orders, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var placed = await orders.PlaceAsync(http.Caller(), http.Request.Headers["Idempotency-Key"].ToString(), body, http.Origin(), ct);
            if (placed.IsError) return ProblemResults.From(placed.Error);
            var view = OrderView.From(placed.Value.Order);
            return placed.Value.Replayed ? Results.Ok(view) : Results.Created($"/api/v1/orders/{view.Id}", view);
        }).RequirePermission(Permission.CertificatesRequest)
          .WithSummary("Place an order (or save a draft); send an Idempotency-Key header: the same key and body return the same order");

        g.MapGet("", async (HttpContext http, OrderSearch search, CancellationToken ct) =>
        {
            var query = OrderSearchQuery.Parse(http.Request.Query);
            if (query.IsError) return ProblemResults.From(query.Error);
            var q = query.Value;
            var list = await search.SearchAsync(http.Caller(), q.Account, q.Status, q.Product, q.Filter, (q.Page - 1) * q.PageSize, q.PageSize, ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(new OrderPageView(list.Value.Items.Select(OrderView.From).ToList(), list.Value.Total, q.Page, q.PageSize));
        }).RequirePermission(Permission.OrdersViewOwn)
          .WithSummary("Orders, newest first; filter by account, status, product, from/to (creation date), domain, group, tag (name or name:value), field (name:value); page and pageSize");

        g.MapGet("/{id}", async (string id, HttpContext http, OrderService orders, Castellan.Registration.Orders.Validation.OrderDomainValidation dcv, CancellationToken ct) =>
            await OrderValidationEndpoints.ReplyAsync(await orders.GetAsync(http.Caller(), id, ct), dcv, ct))
            .RequirePermission(Permission.OrdersViewOwn).WithSummary("One order, if the caller sees it");

        g.MapPost("/{id}/place", async (string id, HttpContext http, OrderService orders, CancellationToken ct) =>
            Reply(await orders.PlaceDraftAsync(http.Caller(), id, http.Origin(), ct)))
            .RequirePermission(Permission.OrdersViewOwn).WithSummary("Place a draft (On Hold): pay, then approval or acceptance");

        g.MapPost("/{id}/approve", async (string id, ApproveBody? body, HttpContext http, OrderService orders, CancellationToken ct) =>
            Reply(await orders.ApproveAsync(http.Caller(), id, body?.CheckedItems, http.Origin(), ct)))
            .RequirePermission(Permission.OrdersApprove)
            .WithSummary("Approve an order pending approval; it is issued when it has a CSR. 'checkedItems' must list every item of the product's approval checklist (none when it has none)");

        g.MapPost("/{id}/reject", async (string id, ReasonBody? body, HttpContext http, OrderService orders, CancellationToken ct) =>
            Reply(await orders.RejectAsync(http.Caller(), id, body?.Reason, http.Origin(), ct)))
            .RequirePermission(Permission.OrdersApprove).WithSummary("Reject an order with a reason; a paid order is refunded");

        g.MapPost("/{id}/cancel", async (string id, ReasonBody? body, HttpContext http, OrderService orders, CancellationToken ct) =>
            Reply(await orders.CancelAsync(http.Caller(), id, body?.Remarks, http.Origin(), ct)))
            .RequirePermission(Permission.OrdersViewOwn).WithSummary("Cancel an order with remarks (the placer, or OrdersManage); a paid order is refunded");

        g.MapPost("/{id}/csr", async (string id, CsrBody? body, HttpContext http, OrderService orders, CancellationToken ct) =>
            Reply(await orders.SubmitCsrAsync(http.Caller(), id, body?.Csr, http.Origin(), ct)))
            .RequirePermission(Permission.OrdersViewOwn).WithSummary("Submit the CSR of an order placed without one; an accepted order is then issued");
    }

    private static IResult Reply(Result<Order> result) => result.IsError ? ProblemResults.From(result.Error) : Results.Ok(OrderView.From(result.Value));
}
