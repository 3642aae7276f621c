using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Linting.Rfc5280;

namespace Castellan.Authority.Linting.CabfBr;

/// <summary>S/MIME BR 6.3.2: subscriber certificates at most 825 days.</summary>
internal sealed class SmimeValidityRule : ILintRule
{
    public string Id => "cabf.smime.validity";

    public string? Check(LintContext c)
    {
        if (c.Profile.Trust != TrustStyle.PublicSmime) return null;
        var days = ValidityDays.Of(c.Certificate);
        return days > 825 ? $"validity of {days:0.##} days exceeds the S/MIME maximum of 825" : null;
    }
}

/// <summary>S/MIME BR 7.1.2.3 (mailbox-validated strict): only rfc822Name SANs, EKU exactly emailProtection.</summary>
internal sealed class SmimeMailboxOnlyRule : ILintRule
{
    private const string EmailAddressOid = "1.2.840.113549.1.9.1";

    public string Id => "cabf.smime.mailbox";

    public string? Check(LintContext c)
    {
        if (c.Profile.Trust != TrustStyle.PublicSmime) return null;
        var ext = c.Extension<X509SubjectAlternativeNameExtension>(Oids.SubjectAltName);
        if (ext is null) return "a mailbox address is required";
        var names = SanList.Read(ext);
        if (names.Count == 0 || names.Any(n => n.Type != SanType.Email)) return "only email addresses are allowed";
        var eku = c.Extension<X509EnhancedKeyUsageExtension>(Oids.ExtendedKeyUsage);
        var ekus = eku?.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value).ToList() ?? [];
        if (ekus.Count != 1 || ekus[0] != Oids.EmailProtection) return "the strict profile allows only the emailProtection EKU";
        // Every subject emailAddress, not only the one X509Certificate2.GetNameInfo would pick (the last).
        foreach (var email in c.Certificate.Attributes(EmailAddressOid).Append(c.Certificate.GetNameInfo(X509NameType.EmailName, false)))
        {
            if (!string.IsNullOrEmpty(email) && !names.Any(n => string.Equals(n.Value, email, StringComparison.OrdinalIgnoreCase)))
                return $"subject email '{email}' is not among the SANs";
        }
        return null;
    }
}
