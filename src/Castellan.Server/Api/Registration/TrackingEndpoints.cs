using Castellan.Authority.Contracts;
using Castellan.Registration.Contracts;
using Castellan.Registration.Orders;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Registration;

/// <summary>
/// What a tracking link shows, without credentials: the order's progress and its names, which the certificate makes
/// public anyway. No price, people, remarks, custom fields, recipients, CSR or account.
/// </summary>
public sealed record TrackingView(string Status, string StatusLabel, string Kind, string Product, IReadOnlyList<string> Names, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, string? CertificateSerial, DateTimeOffset? NotAfter, string? CertificateStatus)
{
    /// <summary>
    /// Issue 5 item 9: each verification step with its status and what is still to do (the TXT value or file to
    /// publish, where a validation email went). The values are harmless to share: using one needs control of the name.
    /// </summary>
    public DomainValidationView? DomainValidation { get; init; }
}

internal static class TrackingEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/track/{token}", async (string token, TrackingLinks links, IProductStore products, ICertificateStore certificates,
            Castellan.Registration.Orders.Validation.OrderDomainValidation dcv, CancellationToken ct) =>
        {
            var order = await links.FindAsync(token, ct);
            // One answer for malformed, unknown and replaced tokens, so the endpoint tells nothing about which exist.
            if (order is null) return ProblemResults.From(new NotFound("tracking link", "this tracking link does not exist or was replaced"));
            var product = await products.GetAsync(order.ProductId, ct);
            var cert = order.CertificateSerial is { } serial ? await certificates.GetAsync(SerialNumber.Parse(serial), ct) : null;
            return Results.Ok(new TrackingView(OrderService.Code(order.Status), order.Status.Display(), order.Kind.ToString().ToLowerInvariant(), product?.Name ?? order.ProductId,
                order.Sans.Count > 0 ? order.Sans : cert?.Sans ?? [], order.CreatedAt, order.UpdatedAt, cert?.Serial.Hex, cert?.NotAfter, cert?.Status.ToString().ToLowerInvariant())
            {
                DomainValidation = DomainValidationView.From(await dcv.DescribeAsync(order, ct)),
            });
        }).WithTags("Orders").WithSummary("Public, read-only order tracking by the token of a tracking link");

        app.MapPost("/track/{token}/validations/{name}/resend", async (string token, string name, HttpContext http,
            Castellan.Registration.Orders.Validation.VerifyOrderDomain use, CancellationToken ct) =>
        {
            var address = http.Origin(Castellan.Registration.Orders.Validation.VerifyOrderDomain.TrackingActor).Address;
            var sent = await use.ResendForTrackingLinkAsync(token, name, address, ct);
            return sent.IsError ? ProblemResults.From(sent.Error) : Results.NoContent();
        }).WithTags("Orders").WithSummary("Send a pending email validation of the tracked order again, to the name's fixed recipients");
    }
}
