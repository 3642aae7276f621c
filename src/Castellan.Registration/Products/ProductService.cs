using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Authority.Profiles;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Products;

public sealed record CreateProductRequest(
    string? Name,
    string? ProfileId,
    string? IssuerId,
    int? ValidityDays,
    long? PricePerYearMinor,
    string? Currency,
    bool AutoApprove,
    string? ApprovalMode,
    string? ApprovalCriteria,
    int? SansIncluded,
    long? PricePerExtraSanMinor)
{
    /// <summary>"required", "not-required" or null (from the profile); see <see cref="Orders.Validation.DomainValidationRule"/>.</summary>
    public string? DomainValidation { get; init; }
}

/// <summary>
/// A change to a private product; null members stay as they are. Profile, issuer, currency and included names are
/// fixed at creation: orders and price lists already rely on them.
/// </summary>
public sealed record EditProductRequest(string? Name, int? ValidityDays, long? PricePerYearMinor, string? ApprovalMode, string? ApprovalCriteria);

/// <summary>The product catalogue: the operator's built-in products and each account's private products.</summary>
public sealed class ProductService(IProductStore products, IAccountStore accounts, ProfileCatalog profiles, CaDirectory cas, IAuditLog audit, TimeProvider clock)
{
    /// <summary>Seeds the built-in catalogue at start; products already there are left as they are.</summary>
    public async Task EnsureBuiltInAsync(CancellationToken ct)
    {
        foreach (var product in BuiltInProducts.All)
        {
            if (await products.GetAsync(product.Id, ct) is null) await products.AddAsync(product, ct);
        }
    }

    /// <summary>Seed 003 "Creating a New Private PKI Product": an account adds a product for its own orders only.</summary>
    public async Task<Result<Product>> CreateAsync(Caller caller, string accountId, CreateProductRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.ProductsManage, accountId);
        if (account.IsError) return account.Error;
        var product = await ValidateAsync(r, accountId, ct);
        if (product.IsError) return product.Error;
        if (!await products.AddAsync(product.Value, ct)) return new Conflict("a product with that id already exists; retry");
        await audit.AppendAsync(new AuditEvent(caller.Actor, "product.created", $"product:{product.Value.Id}",
            JsonSerializer.Serialize(new { account = accountId, product = product.Value.Id, profile = product.Value.ProfileId, price = product.Value.PricePerYearMinor, currency = product.Value.Currency }),
            origin.Address), ct);
        return product.Value;
    }

    /// <summary>
    /// Edits a private product of an account the caller manages products in. Orders already placed keep the price and
    /// validity they were placed with; the new values apply to the next order. Audited with the fields before and after.
    /// </summary>
    public async Task<Result<Product>> EditAsync(Caller caller, string id, EditProductRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var found = await ManageableAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        var before = found.Value;
        var profile = await profiles.FindAsync(before.ProfileId, ct);
        if (profile.IsError) return profile.Error;
        var name = before.Name;
        if (r.Name is not null)
        {
            var named = Users.Fields.Name(r.Name, "name");
            if (named.IsError) return named.Error;
            name = named.Value;
        }
        var days = r.ValidityDays ?? before.ValidityDays;
        if (days < 1 || days > profile.Value.MaxValidityDays)
            return new PolicyViolation("product.validity", $"'validityDays' must be 1 to {profile.Value.MaxValidityDays} for profile '{profile.Value.Id}'") { Field = "validityDays" };
        var price = r.PricePerYearMinor ?? before.PricePerYearMinor;
        if (price < 0) return new MalformedInput("'pricePerYearMinor' cannot be negative") { Field = "pricePerYearMinor" };
        var mode = ParseApprovalMode(r.ApprovalMode ?? Name(before.ApprovalMode));
        if (mode.IsError) return mode.Error with { Field = "approvalMode" };
        var criteria = r.ApprovalCriteria is null ? before.ApprovalCriteria : string.IsNullOrWhiteSpace(r.ApprovalCriteria) ? null : r.ApprovalCriteria.Trim();
        if (CriteriaError(mode.Value, criteria) is { } bad) return bad;
        var after = before with
        {
            Name = name, ValidityDays = days, PricePerYearMinor = price, ApprovalMode = mode.Value, ApprovalCriteria = criteria,
        };
        if (!await products.UpdateAsync(before, after, ct)) return new Conflict("the product changed meanwhile; read it and retry");
        await audit.AppendAsync(new AuditEvent(caller.Actor, "product.updated", $"product:{id}", JsonSerializer.Serialize(new
        {
            account = before.AccountId, product = id,
            before = new { before.Name, before.ValidityDays, before.PricePerYearMinor, approvalMode = Name(before.ApprovalMode), before.ApprovalCriteria },
            after = new { after.Name, after.ValidityDays, after.PricePerYearMinor, approvalMode = Name(after.ApprovalMode), after.ApprovalCriteria },
        }), origin.Address), ct);
        return after;
    }

    /// <summary>Stops a private product taking new orders (<see cref="Orders.OrderService.PlaceAsync"/> refuses it); existing orders are unaffected.</summary>
    public async Task<Result<Product>> DisableAsync(Caller caller, string id, RequestOrigin origin, CancellationToken ct)
    {
        var found = await ManageableAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        if (found.Value.Disabled) return found.Value; // disabling twice is the same request
        var after = found.Value with { DisabledAt = clock.GetUtcNow() };
        if (!await products.UpdateAsync(found.Value, after, ct)) return new Conflict("the product changed meanwhile; read it and retry");
        await audit.AppendAsync(new AuditEvent(caller.Actor, "product.disabled", $"product:{id}",
            JsonSerializer.Serialize(new { account = after.AccountId, product = id }), origin.Address), ct);
        return after;
    }

    /// <summary>A private product of an account where the caller holds ProductsManage; built-in products are the operator's catalogue.</summary>
    private async Task<Result<Product>> ManageableAsync(Caller caller, string id, CancellationToken ct)
    {
        var product = await products.GetAsync(id, ct);
        // Not visible, not found: another tenant's product ids are not confirmed to exist.
        if (product is null || !await VisibleAsync(caller, product, ct)) return new NotFound("product", $"product '{id}' does not exist");
        if (product.BuiltIn) return new Forbidden("built-in products belong to the operator's catalogue and cannot be changed by an account");
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(product.AccountId!, ct), Permission.ProductsManage, product.AccountId!);
        if (account.IsError) return account.Error;
        return product;
    }

    private static CastellanError? CriteriaError(ApprovalMode mode, string? criteria)
    {
        // Automatic issuance without a stated reason would be unreviewable; the criteria are kept with the product and audited.
        if (mode == ApprovalMode.Automatic && criteria is null)
            return new MalformedInput("'approvalCriteria' is required for automatic approval: record what makes issuing without review safe") { Field = "approvalCriteria" };
        if (criteria is { Length: > 500 }) return new MalformedInput("'approvalCriteria' is longer than 500 characters") { Field = "approvalCriteria" };
        return null;
    }

    /// <summary>A product the caller can see: built-in, or private to an account the caller reaches. Others are not found.</summary>
    public async Task<Result<Product>> GetAsync(Caller caller, string id, CancellationToken ct)
    {
        var product = await products.GetAsync(id, ct);
        if (product is null || !await VisibleAsync(caller, product, ct)) return new NotFound("product", $"product '{id}' does not exist");
        return product;
    }

    /// <summary>The built-in products and the private products of <paramref name="accountId"/> (the caller's own account by default).</summary>
    public async Task<Result<List<Product>>> ListAsync(Caller caller, string? accountId, CancellationToken ct)
    {
        var id = string.IsNullOrEmpty(accountId) ? caller.AccountId : accountId;
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(id, ct), Permission.DashboardView, id);
        if (account.IsError) return account.Error;
        return (await products.ListAsync(id, ct)).ToList();
    }

    /// <summary>The profiles a private product may sell (subscriber profiles, not CA ones), for the product form.</summary>
    public async Task<IReadOnlyList<CertificateProfile>> SellableProfilesAsync(CancellationToken ct) =>
        (await profiles.ListAsync(ct)).Where(p => !p.IsCa).ToList();

    /// <summary>Whether an order in <paramref name="account"/> may use <paramref name="product"/>.</summary>
    public static bool AvailableTo(Product product, Account account) => product.AccountId is null || product.AccountId == account.Id;

    public static string Name(ApprovalMode mode) => mode.ToString().ToLowerInvariant();

    internal static Result<ApprovalMode> ParseApprovalMode(string? mode) => mode?.Trim().ToLowerInvariant() switch
    {
        null or "" or "manual" => ApprovalMode.Manual,
        "automatic" => ApprovalMode.Automatic,
        "api" => ApprovalMode.Api,
        _ => new MalformedInput("'approvalMode' must be manual, automatic or api"),
    };

    private async Task<bool> VisibleAsync(Caller caller, Product product, CancellationToken ct) =>
        product.AccountId is null || AccessPolicy.On(caller, await accounts.GetAsync(product.AccountId, ct) ?? Unknown) is not null;

    private static readonly Account Unknown = new("", "", AccountKind.Retail, "", null, AccountStatus.Suspended, DateTimeOffset.MinValue);

    private async Task<Result<Product>> ValidateAsync(CreateProductRequest r, string accountId, CancellationToken ct)
    {
        var name = Users.Fields.Name(r.Name, "name");
        if (name.IsError) return name.Error;
        var profile = await profiles.FindAsync(r.ProfileId, ct);
        if (profile.IsError) return profile.Error with { Field = "profileId" };
        if (profile.Value.IsCa) return new PolicyViolation("product.profile", "a product issues subscriber certificates, not CA certificates") { Field = "profileId" };
        if (r.IssuerId is { Length: > 0 } issuerId && await cas.FindAsync(issuerId, ct) is null) return new NotFound("ca", $"CA '{issuerId}' does not exist") { Field = "issuerId" };
        var days = r.ValidityDays ?? profile.Value.EffectiveDefaultValidityDays;
        if (days < 1 || days > profile.Value.MaxValidityDays)
            return new PolicyViolation("product.validity", $"'validityDays' must be 1 to {profile.Value.MaxValidityDays} for profile '{profile.Value.Id}'") { Field = "validityDays" };
        if (r.PricePerYearMinor is not { } price || price < 0) return new MalformedInput("'pricePerYearMinor' is required and cannot be negative") { Field = "pricePerYearMinor" };
        var currency = r.Currency?.Trim().ToUpperInvariant();
        if (!Billing.Contracts.Money.IsCurrencyCode(currency)) return new MalformedInput("'currency' must be an ISO 4217 code such as USD") { Field = "currency" };
        var mode = ParseApprovalMode(r.ApprovalMode);
        if (mode.IsError) return mode.Error with { Field = "approvalMode" };
        var criteria = string.IsNullOrWhiteSpace(r.ApprovalCriteria) ? null : r.ApprovalCriteria.Trim();
        if (CriteriaError(mode.Value, criteria) is { } badCriteria) return badCriteria;
        var included = r.SansIncluded ?? 1;
        if (included < 0 || included > profile.Value.MaxSans) return new PolicyViolation("product.sans", $"'sansIncluded' must be 0 to {profile.Value.MaxSans}") { Field = "sansIncluded" };
        var extra = r.PricePerExtraSanMinor ?? 0;
        if (extra < 0) return new MalformedInput("'pricePerExtraSanMinor' cannot be negative") { Field = "pricePerExtraSanMinor" };
        var issuer = string.IsNullOrEmpty(r.IssuerId) ? null : await cas.FindAsync(r.IssuerId, ct);
        var dcv = Orders.Validation.DomainValidationRule.ForNewProduct(r.DomainValidation, profile.Value, issuer?.Record);
        if (dcv.IsError) return dcv.Error with { Field = "domainValidation" };
        return new Product(Ids.New("prd"), accountId, name.Value, profile.Value.Id, string.IsNullOrEmpty(r.IssuerId) ? null : r.IssuerId, days, price, currency!,
            r.AutoApprove, mode.Value, criteria, included, extra, clock.GetUtcNow()) { RequiresDomainValidation = dcv.Value };
    }
}
