using Castellan.Authority.Contracts;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;
using Microsoft.Extensions.Options;

namespace Castellan.Registration.Orders;

/// <summary>The body of POST /orders/{id}/renew; everything else is taken from the order renewed.</summary>
public sealed record RenewRequest(string? Csr, int? ValidityDays, int? CoverageYears, string? Remarks);

/// <summary>
/// Renewal (seed 003 "Renew", offered from <see cref="RegistrationOptions.RenewalWindow"/> before expiry): a new,
/// priced order for the same product, names, subject, tags, custom fields and recipients, placed through
/// <see cref="OrderService.PlaceAsync"/> (so payment, approval and idempotency are the placement's), linked to the
/// order it renews.
/// </summary>
public sealed class RenewOrder(OrderService orders, ICertificateStore certificates, IOptions<RegistrationOptions> options, TimeProvider clock)
{
    public async Task<Result<OrderOutcome>> RenewAsync(Caller caller, string id, string? idempotencyKey, RenewRequest r, RequestOrigin origin, CancellationToken ct)
    {
        if (OrderInput.Key(idempotencyKey) is { } badKey) return badKey;
        var found = await orders.FindForActionAsync(caller, id, Permission.OrdersManage, ownerMay: true, ct);
        if (found.IsError) return found.Error;
        var original = found.Value.Order;
        if (original.Status != OrderStatus.Fulfilled || original.CertificateSerial is not { } serial)
            return new Conflict($"an order in status '{original.Status.Display()}' has no certificate to renew");
        var certificate = await certificates.GetAsync(SerialNumber.Parse(serial), ct);
        if (certificate is null) return new Conflict($"the certificate of order '{id}' is not on record");
        var opens = certificate.NotAfter - options.Value.RenewalWindow;
        if (clock.GetUtcNow() < opens)
            return new PolicyViolation("order.renewal-window", $"renewal opens {options.Value.RenewalWindow.TotalDays:0} days before expiry, on {opens:yyyy-MM-dd}");

        var request = new PlaceOrderRequest(original.AccountId, original.GroupId, original.ProductId, r.Csr ?? original.Csr, original.Sans, original.Subject,
            r.ValidityDays ?? original.ValidityDays, r.Remarks, original.ReportingTags, original.AdditionalRecipients, SaveAsDraft: false)
        {
            CoverageYears = r.CoverageYears ?? original.CoverageYears,
            CustomFields = original.CustomFields.ToDictionary(f => f.Key, f => (string?)f.Value),
            Tags = original.Tags,
            RenewalOf = original.Id,
            RequesterName = original.RequesterName,
            RequesterMobile = original.RequesterMobile,
        };
        return await orders.PlaceAsync(caller, idempotencyKey, request, origin, ct);
    }
}
