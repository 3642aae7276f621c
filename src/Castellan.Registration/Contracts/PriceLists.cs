namespace Castellan.Registration.Contracts;

/// <summary>
/// One line of a sub-account's price list (seed 003 "set customized price lists for sub-accounts"): the parent partner's
/// price for one product, overriding the catalogue for orders in that sub-account. Same units and currency as the
/// product (minor units per started year; per extra SAN per year).
/// </summary>
public sealed record PriceListEntry(
    string AccountId,
    string ProductId,
    long PricePerYearMinor,
    long PricePerExtraSanMinor,
    string Currency,
    string SetBy,
    DateTimeOffset UpdatedAt);

/// <summary>Price list storage, implemented by Castellan.Storage.</summary>
public interface IPriceListStore
{
    /// <summary>Creates or replaces the line for (account, product).</summary>
    Task SaveAsync(PriceListEntry entry, CancellationToken ct);

    Task<PriceListEntry?> FindAsync(string accountId, string productId, CancellationToken ct);

    Task<IReadOnlyList<PriceListEntry>> ListAsync(string accountId, CancellationToken ct);

    Task<bool> DeleteAsync(string accountId, string productId, CancellationToken ct);
}
