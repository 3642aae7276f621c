using Castellan.Authority.Contracts;
using Castellan.Registration.Contracts;

namespace Castellan.Registration.Orders.Validation;

/// <summary>
/// Which orders need domain control validation and CAA (docs/flows/orders.md "Domain control"), decided from data:
/// <list type="number">
/// <item>A product's own <see cref="Product.RequiresDomainValidation"/> when set.</item>
/// <item>Otherwise its profile: a publicly-trusted-style TLS profile (<see cref="TrustStyle.PublicTls"/>, e.g.
/// tls-server) whose certificates carry DNS or IP names needs it (BR 3.2.2.4/3.2.2.5, CAA per BR 3.2.2.8); private
/// profiles (tls-client, mtls, ...) serve an account's own PKI and do not.</item>
/// </list>
/// A private product may opt in for any profile. It may opt out of a profile that needs DCV only when it issues from a
/// name-constrained CA (permitted DNS subtrees, RFC 5280 4.2.1.10): an account's own private CA, which the operator
/// limited to that account's namespace when creating it, so the CA itself cannot sign outside it.
/// </summary>
public static class DomainValidationRule
{
    public const string Required = "required";
    public const string NotRequired = "not-required";

    public static bool ProfileRequires(CertificateProfile profile) =>
        profile.Trust == TrustStyle.PublicTls && profile.AllowedSanTypes.Any(t => t is SanType.Dns or SanType.Ip);

    /// <summary>Whether orders of <paramref name="product"/> need DCV; <paramref name="profile"/> null (deleted) counts as needing it.</summary>
    public static bool Requires(Product product, CertificateProfile? profile) =>
        product.RequiresDomainValidation ?? (profile is null || ProfileRequires(profile));

    /// <summary>The stored flag for a new private product: null (from the profile), true, or false when opting out is allowed.</summary>
    public static Result<bool?> ForNewProduct(string? choice, CertificateProfile profile, CertificateAuthorityRecord? issuer)
    {
        switch (choice?.Trim().ToLowerInvariant())
        {
            case null or "":
                return (bool?)null;
            case Required:
                return (bool?)true;
            case NotRequired:
                if (!ProfileRequires(profile)) return (bool?)false;
                if (issuer is { PermittedDnsNames.Count: > 0 }) return (bool?)false;
                return new PolicyViolation("product.domain-validation",
                    $"profile '{profile.Id}' is publicly-trusted style: domain validation can only be switched off for a product issuing from a name-constrained private CA ('issuerId' with permitted DNS names)");
            default:
                return new MalformedInput($"'domainValidation' must be {Required} or {NotRequired}");
        }
    }
}
