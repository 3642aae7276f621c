using Castellan.Registration.Contracts;
using Castellan.Registration.Products;

namespace Castellan.Registration.Orders;

/// <summary>
/// Subscriptions (seed 003, PKI-RULES "multi-year subscriptions are sold as coverage with free reissues, never as one
/// long certificate"): an order buys 1 to 3 years of coverage; every certificate issued under it stays within the
/// product's validity (itself within the profile's maximum) and never outlives the coverage it was issued under.
/// </summary>
public static class Subscriptions
{
    public const int MinYears = 1;
    public const int MaxYears = 3;

    /// <summary>The coverage an order asks for, by default the years its validity spans; never shorter than that.</summary>
    public static Result<int> CoverageYears(int? requested, int validityDays)
    {
        var spanned = Math.Max(MinYears, Pricing.Years(validityDays));
        var years = requested ?? spanned;
        if (years < MinYears || years > MaxYears) return new PolicyViolation("order.coverage", $"'coverageYears' must be {MinYears} to {MaxYears}");
        if (years < spanned) return new PolicyViolation("order.coverage", $"a certificate of {validityDays} days needs at least {spanned} years of coverage");
        return years;
    }

    /// <summary>Days of validity for a certificate issued now under <paramref name="order"/>: its validity, cut at the coverage end.</summary>
    public static int CertificateDays(Order order, DateTimeOffset now)
    {
        if (order.CoverageEndsAt is not { } end) return order.ValidityDays;
        var left = (int)Math.Floor((end - now).TotalDays);
        return Math.Clamp(left, 1, order.ValidityDays);
    }

    public static bool Covers(Order order, DateTimeOffset now) => order.CoverageEndsAt is not { } end || now < end;
}

/// <summary>What placement adds to the seed's base order: coverage, custom field values and named tags, all checked.</summary>
internal sealed record PlacementExtras(int CoverageYears, IReadOnlyDictionary<string, string> CustomFields, IReadOnlyList<ReportingTag> Tags)
{
    public static async Task<Result<PlacementExtras>> CheckAsync(ICustomFieldStore store, string accountId, PlaceOrderRequest r, int validityDays, CancellationToken ct)
    {
        var years = Subscriptions.CoverageYears(r.CoverageYears, validityDays);
        if (years.IsError) return years.Error;
        var tags = OrderInput.NamedTags(r.Tags);
        if (tags.IsError) return tags.Error;
        var fields = Castellan.Registration.Orders.CustomFields.CustomFieldValues.Check(await store.ListAsync(accountId, ct), r.CustomFields, draft: r.SaveAsDraft);
        if (fields.IsError) return fields.Error;
        return new PlacementExtras(years.Value, fields.Value, tags.Value);
    }

    public Order ApplyTo(Order order, DateTimeOffset now, string? renewalOf) => order with
    {
        CoverageYears = CoverageYears, CoverageEndsAt = now.AddYears(CoverageYears), CustomFields = CustomFields, Tags = Tags,
        Kind = renewalOf is null ? OrderKind.New : OrderKind.Renewal, OriginalOrderId = renewalOf,
    };
}
