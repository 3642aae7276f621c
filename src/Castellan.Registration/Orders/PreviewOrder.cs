using Castellan.Authority.Issuance;
using Castellan.Authority.Profiles;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Products;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Orders;

/// <summary>
/// What the CA sees in a pasted CSR: subject, requested names, key, and the problems the order would meet.
/// <see cref="Readable"/> is false when the CSR could not be parsed or its signature does not verify.
/// </summary>
public sealed record CsrSummary(bool Readable, string? Subject, IReadOnlyList<string> Sans, string? KeyType, int KeyBits, IReadOnlyList<string> Problems);

/// <summary>
/// Seed 003 "Request New Certificate" before it is placed: the CSR read by the CA's own reader and judged by the
/// product's profile, and the price for the names chosen so far. Nothing is recorded, charged or audited; placing
/// still goes through <see cref="OrderService.PlaceAsync"/>, which decides again.
/// </summary>
public sealed class PreviewOrder(IProductStore products, IAccountStore accounts, ProfileCatalog profiles)
{
    /// <summary>Reads <paramref name="csr"/>; with a product, adds what its profile would refuse (key, names, subject).</summary>
    public async Task<Result<CsrSummary>> InspectCsrAsync(Caller caller, string? productId, string? csr, IReadOnlyList<string>? sans, CancellationToken ct)
    {
        var product = await ProductAsync(caller, productId, ct);
        if (product.IsError) return product.Error;
        var parsed = OrderInput.Csr(csr);
        if (parsed.IsError) return new CsrSummary(false, null, [], null, 0, [parsed.Error.Detail]);
        if (parsed.Value is not { } read) return new CsrSummary(false, null, [], null, 0, ["the CSR is empty"]);
        var problems = new List<string>();
        if (product.Value is { } p)
        {
            var profile = await profiles.FindAsync(p.ProfileId, ct);
            if (profile.IsError) problems.Add(profile.Error.Detail);
            else problems.AddRange(CsrProblems.Under(profile.Value, read, sans is { Count: > 0 } ? sans : null).Select(e => e.Detail));
        }
        return new CsrSummary(true, read.Subject.Name, read.RequestedSans.Select(s => s.ToString()).ToList(), read.Key.ToString(), read.Key.Bits, problems);
    }

    /// <summary>
    /// The price of the order as <see cref="OrderService.PlaceAsync"/> will fix it: the product's price for the
    /// validity, for the names on the order, or the CSR's names when the order names none.
    /// </summary>
    public async Task<Result<long>> QuoteAsync(Caller caller, string? productId, int validityDays, int orderNames, int csrNames, CancellationToken ct)
    {
        var product = await ProductAsync(caller, productId, ct);
        if (product.IsError) return product.Error;
        if (product.Value is not { } p) return new MalformedInput("choose a product");
        return Pricing.Quote(p, validityDays, orderNames > 0 ? orderNames : csrNames);
    }

    /// <summary>The product when the caller may order it in its own account; null when none is named.</summary>
    private async Task<Result<Product?>> ProductAsync(Caller caller, string? productId, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(caller.AccountId, ct), Permission.CertificatesRequest, caller.AccountId);
        if (account.IsError) return account.Error;
        if (string.IsNullOrWhiteSpace(productId)) return (Product?)null;
        var product = await products.GetAsync(productId.Trim(), ct);
        if (product is null || !ProductService.AvailableTo(product, account.Value)) return new NotFound("product", $"product '{productId}' does not exist");
        return product;
    }
}
