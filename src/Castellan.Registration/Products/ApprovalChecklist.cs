using Castellan.Registration.Contracts;

namespace Castellan.Registration.Products;

/// <summary>
/// Seed 003 "Approval panel": the items an approver confirms before approving an order of a manually approved
/// product. The RA holds them as the product's <see cref="Product.ApprovalCriteria"/> text, one item per line or per
/// ';' (the stored format predates the checklist, so no migration), and <see cref="Check"/> is the one place that
/// decides whether an approval ticked them all; the portal and the REST API only pass the ticked items on.
/// </summary>
public static class ApprovalChecklist
{
    /// <summary>The items an approver must tick; empty when the product names none or is not approved by hand.</summary>
    /// <remarks>
    /// Automatic products' criteria record why issuing without review is safe, and API products' criteria are what
    /// the external approver checks: neither is a list a person ticks in Castellan.
    /// </remarks>
    public static IReadOnlyList<string> Items(Product product) =>
        product.ApprovalMode == ApprovalMode.Manual ? Parse(product.ApprovalCriteria) : [];

    /// <summary>The criteria text split into items, in order, blanks and repeats dropped.</summary>
    public static IReadOnlyList<string> Parse(string? criteria) =>
        (criteria ?? "").Split(['\n', '\r', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The items the approver confirmed, in the product's order, when every item is among <paramref name="ticked"/>
    /// (compared after trimming, exactly otherwise); <see cref="ChecklistIncomplete"/> naming the missing ones if not.
    /// Items ticked that the product does not name are ignored, so an approval never records a claim nobody asked for.
    /// </summary>
    public static Result<List<string>> Check(Product product, IEnumerable<string>? ticked)
    {
        var items = Items(product);
        var confirmed = new HashSet<string>((ticked ?? []).Where(t => t is not null).Select(t => t.Trim()), StringComparer.Ordinal);
        var missing = items.Where(i => !confirmed.Contains(i)).ToList();
        if (missing.Count > 0) return new ChecklistIncomplete(missing);
        return items.ToList();
    }
}
