using Castellan.Authority.Contracts;

namespace Castellan.Registration.Contracts;

/// <summary>
/// Which certificates: those produced by one account's orders (optionally only one actor's), or, with
/// <see cref="AccountId"/> null, every certificate of the platform (operator staff; the RA decides). <see cref="Text"/>
/// matches a serial prefix, the subject or a name. <see cref="ExpiringBy"/> keeps valid certificates that have not
/// expired at <see cref="Now"/> and expire by then, exactly as the dashboard's expiry tiles count them.
/// </summary>
public sealed record AccountCertificateQuery(string? AccountId, string? PlacedBy, string? Text, CertificateStatus? Status,
    DateTimeOffset? ExpiringBy, DateTimeOffset Now, int Skip, int Take);

/// <summary>A certificate with the order (and account) that produced it; both null for one issued outside an order.</summary>
public sealed record AccountCertificate(IssuedCertificate Certificate, string? OrderId, string? AccountId, string? PlacedBy);

/// <summary>Certificates seen through the orders that produced them, implemented by Castellan.Storage. Newest first.</summary>
public interface IAccountCertificateStore
{
    Task<(IReadOnlyList<AccountCertificate> Items, int Total)> SearchAsync(AccountCertificateQuery query, CancellationToken ct);

    Task<AccountCertificate?> GetAsync(string serialHex, CancellationToken ct);
}
