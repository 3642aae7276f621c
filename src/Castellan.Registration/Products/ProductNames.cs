using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Castellan.Registration.Contracts;

namespace Castellan.Registration.Products;

/// <summary>The names a built-in TLS product sells, and the subject an OV/EV order gets from its organisation.</summary>
public static class ProductNames
{
    /// <summary>
    /// A wildcard product covers exactly one "*." name, plus its base name (BR: a wildcard does not cover the base);
    /// any other product refuses wildcards, so a wildcard is always priced as one.
    /// </summary>
    public static PolicyViolation? Check(Product product, TlsKind kind, IReadOnlyList<string> dnsNames)
    {
        var names = dnsNames.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var wildcards = names.Where(n => n.StartsWith("*.", StringComparison.Ordinal)).ToList();
        if (kind.Names != NameShape.Wildcard)
            return wildcards.Count == 0 ? null : new PolicyViolation("order.wildcard", $"product '{product.Id}' does not cover wildcards ('{wildcards[0]}'); order a wildcard product");
        if (wildcards.Count != 1) return new PolicyViolation("order.wildcard", $"product '{product.Id}' covers exactly one wildcard name, not {wildcards.Count}");
        var baseName = wildcards[0][2..];
        var others = names.Where(n => n != wildcards[0] && !string.Equals(n, baseName, StringComparison.OrdinalIgnoreCase)).ToList();
        return others.Count == 0 ? null : new PolicyViolation("order.wildcard", $"product '{product.Id}' covers '{wildcards[0]}' and '{baseName}' only, not '{others[0]}'");
    }

    /// <summary>BR 7.1.4.2.2: CN (the first name, optional), O, L, ST and C of the verified organisation; EV adds the registration number.</summary>
    public static string OrganizationSubject(Organization org, TlsKind kind, IReadOnlyList<string> dnsNames)
    {
        var b = new X500DistinguishedNameBuilder();
        if (dnsNames.Count > 0 && dnsNames[0] is { Length: > 0 and <= 64 } cn) b.AddCommonName(cn);
        b.AddOrganizationName(org.LegalName);
        if (org.Locality is not null) b.AddLocalityName(org.Locality);
        if (org.State is not null) b.AddStateOrProvinceName(org.State);
        b.AddCountryOrRegion(org.Country);
        if (kind.Level == ValidationLevel.Ev && org.RegistrationNumber is not null) b.Add("2.5.4.5", org.RegistrationNumber, UniversalTagNumber.PrintableString);
        return b.Build().Name;
    }
}
