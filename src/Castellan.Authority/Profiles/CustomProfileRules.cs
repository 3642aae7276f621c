using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;

namespace Castellan.Authority.Profiles;

/// <summary>
/// What an operator profile must satisfy before it is stored. A profile arrives as JSON, so anything the type system
/// would normally guarantee (non-null lists, known names, well-formed OIDs) is checked here: a bad profile accepted
/// today would otherwise fail every issuance under it later, some of them as server errors.
/// </summary>
internal static class CustomProfileRules
{
    private static readonly HashSet<string> Curves = ["P-256", "P-384", "P-521"];
    private static readonly HashSet<string> SubjectAttributes = ["CN", "O", "OU", "L", "ST", "C", "E", "SERIALNUMBER"];

    private const X509KeyUsageFlags AllKeyUsages = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation
        | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment | X509KeyUsageFlags.KeyAgreement
        | X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.EncipherOnly | X509KeyUsageFlags.DecipherOnly;

    public static CastellanError? Check(CertificateProfile p)
    {
        if (string.IsNullOrWhiteSpace(p.Id) || p.Id.Length > 64 || !p.Id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            return new MalformedInput("a profile id is 1 to 64 lower-case letters, digits and hyphens");
        if (string.IsNullOrWhiteSpace(p.Name) || p.Name.Length > 200) return new MalformedInput("a profile name is 1 to 200 characters");
        if (p.Description is null || p.Description.Length > 2000) return new MalformedInput("a profile description is at most 2000 characters");
        if (!Enum.IsDefined(p.Trust)) return new MalformedInput("trust must be Private, PublicTls or PublicSmime");

        if (p.AllowedCurves is null || p.ExtendedKeyUsages is null || p.AllowedSanTypes is null || p.AllowedSubjectAttributes is null || p.PolicyOids is null)
            return new MalformedInput("allowedCurves, extendedKeyUsages, allowedSanTypes, allowedSubjectAttributes and policyOids must be lists, not null");
        if (p.AllowedCurves.FirstOrDefault(c => c is null || !Curves.Contains(c), "") is not "" and var curve)
            return new MalformedInput($"unknown curve '{curve}' (P-256, P-384, P-521)");
        if (p.AllowedSubjectAttributes.FirstOrDefault(a => a is null || !SubjectAttributes.Contains(a), "") is not "" and var attribute)
            return new MalformedInput($"unknown subject attribute '{attribute}' ({string.Join(", ", SubjectAttributes)})");
        if (p.AllowedSanTypes.Any(t => !Enum.IsDefined(t))) return new MalformedInput("allowedSanTypes holds an unknown type (Dns, Ip, Email, Uri)");
        if (p.ExtendedKeyUsages.Concat(p.PolicyOids).FirstOrDefault(o => !IsOid(o), "") is not "" and var badOid)
            return new MalformedInput($"'{badOid}' is not a dotted object identifier");
        if (p.ExtendedKeyUsages.Count > 20 || p.PolicyOids.Count > 20) return new MalformedInput("at most 20 extended key usages and 20 policies");

        if (p.KeyUsage == X509KeyUsageFlags.None || (p.KeyUsage & ~AllKeyUsages) != 0) return new MalformedInput("keyUsage must name at least one known key usage");
        if (p.DefaultValidityDays is { } d && (d < 1 || d > p.MaxValidityDays))
            return new MalformedInput($"defaultValidityDays must be between 1 and maxValidityDays ({p.MaxValidityDays})");
        if (p.MaxSans is < 0 or > 1000) return new MalformedInput("maxSans must be between 0 and 1000");

        // CA certificates come only from the hierarchy (POST /api/v1/cas), never from a subscriber profile.
        if (p.IsCa || (p.KeyUsage & (X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign)) != 0)
            return new PolicyViolation("profile.ca", "CA certificates are created through the CA hierarchy; a profile cannot be a CA profile");
        return null;
    }

    private static bool IsOid(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 200) return false;
        try
        {
            new AsnWriter(AsnEncodingRules.DER).WriteObjectIdentifier(text);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
