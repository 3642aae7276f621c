using System.Text.Json;
using Castellan.Registration.Contracts;
using Castellan.Registration.Products;

namespace Castellan.Registration.Orders;

/// <summary>The body of POST /orders/{id}/sans: names to add and to remove (typed, "dns:www.example.com").</summary>
public sealed record ChangeSansRequest(IReadOnlyList<string>? Add, IReadOnlyList<string>? Remove, string? Csr, string? Remarks);

/// <summary>
/// Add or remove SANs on a multi-domain order (seed 003): a reissue with the new names. Added names beyond those the
/// order paid for are priced like at placement for the order's coverage years (not prorated); removing names
/// refunds nothing. The old certificate is superseded like any reissue.
/// </summary>
public sealed class ChangeSans(ReissueOrder reissue)
{
    public Task<Result<OrderOutcome>> ChangeAsync(Caller caller, string id, string? idempotencyKey, ChangeSansRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var add = OrderInput.Sans(r.Add);
        if (add.IsError) return Task.FromResult<Result<OrderOutcome>>(add.Error);
        var remove = OrderInput.Sans(r.Remove);
        if (remove.IsError) return Task.FromResult<Result<OrderOutcome>>(remove.Error);
        if (add.Value.Count == 0 && remove.Value.Count == 0) return Task.FromResult<Result<OrderOutcome>>(new MalformedInput("name at least one SAN to 'add' or 'remove'"));
        var change = JsonSerializer.Serialize(new { add = add.Value, remove = remove.Value });
        return reissue.PlaceAsync(caller, id, idempotencyKey, ReissueReasons.NamesChanged, r.Csr, r.Remarks,
            (order, product, certificate) => NewNames(order, product, certificate.Sans, add.Value, remove.Value), origin, ct, change);
    }

    /// <summary>A product sells several names when it includes more than one or prices extra ones.</summary>
    public static bool IsMultiDomain(Product product) => product.SansIncluded > 1 || product.PricePerExtraSanMinor > 0;

    internal static Result<(IReadOnlyList<string> Sans, long Price)> NewNames(Order order, Product product, IReadOnlyList<string> issued,
        IReadOnlyList<string> add, IReadOnlyList<string> remove)
    {
        if (!IsMultiDomain(product)) return new PolicyViolation("order.sans", $"product '{product.Id}' is single-domain; names cannot be added or removed");
        // The names now are those the order asked for, or else those the certificate carries (taken from the CSR).
        var current = (order.Sans.Count > 0 ? order.Sans : issued).ToList();
        foreach (var name in remove)
        {
            var index = current.FindIndex(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0) return new MalformedInput($"'{name}' is not on the order, so it cannot be removed");
            current.RemoveAt(index);
        }
        foreach (var name in add)
        {
            if (current.Contains(name, StringComparer.OrdinalIgnoreCase)) return new MalformedInput($"'{name}' is already on the order");
            current.Add(name);
        }
        if (current.Count == 0) return new MalformedInput("an order keeps at least one name");
        if (current.Count > OrderInput.MaxSans) return new PolicyViolation("order.sans", $"an order names at most {OrderInput.MaxSans} subject alternative names");
        var before = Pricing.Quote(product, order.ValidityDays, order.Sans.Count > 0 ? order.Sans.Count : issued.Count, order.CoverageYears);
        var after = Pricing.Quote(product, order.ValidityDays, current.Count, order.CoverageYears);
        if (before.IsError) return before.Error;
        if (after.IsError) return after.Error;
        return (current, Math.Max(0, after.Value - before.Value));
    }
}
