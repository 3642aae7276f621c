namespace Castellan.Registration.Contracts;

/// <summary>How an accepted order of a product gets its certificate (seed 003 product "Approval" settings).</summary>
public enum ApprovalMode
{
    /// <summary>An RA officer completes each accepted order by hand; the RA does not issue on its own.</summary>
    Manual,

    /// <summary>The RA issues as soon as the order is accepted and has a CSR; <see cref="Product.ApprovalCriteria"/> records why that is safe.</summary>
    Automatic,

    /// <summary>An external system approves through the API; the RA does not issue on its own.</summary>
    Api,
}

/// <summary>
/// Something an account can order: a CA profile (and optionally the issuing CA) sold for a validity at a yearly price.
/// Built-in products (<see cref="AccountId"/> null) are the operator's catalogue, seen by every account; private
/// products (seed 003 "Creating a New Private PKI Product") belong to the account that created them.
/// Prices are minor currency units per started year of validity; <see cref="SansIncluded"/> names come with the
/// price, each further name costs <see cref="PricePerExtraSanMinor"/> per year (multi-domain).
/// </summary>
public sealed record Product(
    string Id,
    string? AccountId,
    string Name,
    string ProfileId,
    string? IssuerId,
    int ValidityDays,
    long PricePerYearMinor,
    string Currency,
    bool AutoApprove,
    ApprovalMode ApprovalMode,
    string? ApprovalCriteria,
    int SansIncluded,
    long PricePerExtraSanMinor,
    DateTimeOffset CreatedAt)
{
    public bool BuiltIn => AccountId is null;

    /// <summary>
    /// Whether orders need domain control validation of their DNS and IP names (docs/flows/orders.md "Domain control");
    /// null takes it from the profile (<see cref="Orders.Validation.DomainValidationRule"/>).
    /// </summary>
    public bool? RequiresDomainValidation { get; init; }

    /// <summary>When the account disabled this private product: it takes no new orders; orders placed before keep going.</summary>
    public DateTimeOffset? DisabledAt { get; init; }

    public bool Disabled => DisabledAt is not null;
}

/// <summary>Product storage, implemented by Castellan.Storage.</summary>
public interface IProductStore
{
    /// <summary>False when the id is taken (built-in products are seeded under fixed ids, so a second node's seeding is a no-op).</summary>
    Task<bool> AddAsync(Product product, CancellationToken ct);

    Task<Product?> GetAsync(string id, CancellationToken ct);

    /// <summary>
    /// Writes the editable fields (name, validity, prices, approval, criteria, disabled) of a private product if it still
    /// looks as <paramref name="expected"/> does; false when it changed meanwhile or does not exist.
    /// </summary>
    Task<bool> UpdateAsync(Product expected, Product updated, CancellationToken ct);

    /// <summary>The built-in products and, when <paramref name="accountId"/> is given, that account's private ones.</summary>
    Task<IReadOnlyList<Product>> ListAsync(string? accountId, CancellationToken ct);
}

/// <summary>
/// An approval that did not confirm every item of the product's checklist (seed 003 "Approval panel"); nothing changed.
/// <see cref="CastellanError.Field"/> is "checkedItems", the request member that lists the ticked items.
/// </summary>
public sealed record ChecklistIncomplete : CastellanError
{
    public const string FieldName = "checkedItems";

    public ChecklistIncomplete(IReadOnlyList<string> missing)
        : base($"tick every item of the product's approval checklist before approving; not ticked: {string.Join("; ", missing)}")
    {
        Missing = missing;
        Field = FieldName;
    }

    public IReadOnlyList<string> Missing { get; }
}
