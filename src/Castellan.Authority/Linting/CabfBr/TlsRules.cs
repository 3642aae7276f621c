using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Linting.Rfc5280;

namespace Castellan.Authority.Linting.CabfBr;

/// <summary>
/// TLS BR 6.3.2 as amended by ballot SC-081v3: 398 days before 2026-03-15, then 200, 100 from 2027-03-15 and 47
/// from 2029-03-15, by the certificate's notBefore. Applies to public-style TLS profiles.
/// </summary>
internal sealed class TlsValidityScheduleRule(TimeProvider clock) : ILintRule
{
    public string Id => "cabf.br.validity";

    public static int MaxDaysOn(DateTimeOffset notBefore) => notBefore switch
    {
        _ when notBefore >= new DateTimeOffset(2029, 3, 15, 0, 0, 0, TimeSpan.Zero) => 47,
        _ when notBefore >= new DateTimeOffset(2027, 3, 15, 0, 0, 0, TimeSpan.Zero) => 100,
        _ when notBefore >= new DateTimeOffset(2026, 3, 15, 0, 0, 0, TimeSpan.Zero) => 200,
        _ => 398,
    };

    public string? Check(LintContext c)
    {
        if (c.Profile.Trust != TrustStyle.PublicTls) return null;
        var notBefore = new DateTimeOffset(c.Certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        // Backdating beyond a day would dodge the schedule (BR 7.1.2.7: notBefore no more than 48 h before signing).
        if (notBefore < clock.GetUtcNow().AddHours(-48)) return "notBefore is backdated more than 48 hours";
        var max = MaxDaysOn(notBefore);
        var days = ValidityDays.Of(c.Certificate);
        return days > max ? $"validity of {days:0.##} days exceeds the CA/B Forum maximum of {max} days for TLS certificates issued now" : null;
    }
}

/// <summary>BR 7.1.2.7.12: a subscriber TLS certificate carries at least one dNSName or iPAddress.</summary>
internal sealed class TlsSanRequiredRule : ILintRule
{
    public string Id => "cabf.br.san-required";

    public string? Check(LintContext c)
    {
        if (c.Profile.Trust != TrustStyle.PublicTls) return null;
        var ext = c.Extension<X509SubjectAlternativeNameExtension>(Oids.SubjectAltName);
        return ext is null || !SanList.Read(ext).Any(n => n.Type is SanType.Dns or SanType.Ip)
            ? "a TLS certificate needs at least one DNS name or IP address"
            : null;
    }
}

/// <summary>BR 7.1.2.7.12 / 4.2.2: no internal names (reserved TLDs, single labels) and no reserved IP addresses.</summary>
internal sealed class TlsNoInternalNamesRule : ILintRule
{
    private static readonly HashSet<string> ReservedSuffixes = new(StringComparer.OrdinalIgnoreCase)
    {
        "local", "localhost", "internal", "intranet", "lan", "home", "corp", "private", "localdomain", "test",
        "example", "invalid", "onion", "alt", "home.arpa", "arpa",
    };

    public string Id => "cabf.br.internal-name";

    public string? Check(LintContext c)
    {
        if (c.Profile.Trust != TrustStyle.PublicTls) return null;
        var ext = c.Extension<X509SubjectAlternativeNameExtension>(Oids.SubjectAltName);
        if (ext is null) return null;
        foreach (var n in SanList.Read(ext))
        {
            if (n.Type == SanType.Dns && IsInternal(n.Value)) return $"'{n.Value}' is an internal name";
            if (n.Type == SanType.Ip && IsReserved(IPAddress.Parse(n.Value))) return $"{n.Value} is a reserved IP address";
        }
        return null;
    }

    public static bool IsInternal(string dns)
    {
        var labels = dns.TrimStart('*', '.').Split('.');
        if (labels.Length < 2) return true;
        if (ReservedSuffixes.Contains(labels[^1])) return true;
        return labels.Length >= 2 && ReservedSuffixes.Contains(labels[^2] + "." + labels[^1]);
    }

    public static bool IsReserved(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        var b = ip.GetAddressBytes();
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            return b[0] is 0 or 10 or 127 or >= 224
                || (b[0] == 100 && (b[1] & 0xC0) == 64)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && (b[1] & 0xF0) == 16)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                || (b[0] == 198 && (b[1] & 0xFE) == 18)
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                || (b[0] == 203 && b[1] == 0 && b[2] == 113);
        }
        return IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.IPv6None) || ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal
            || ip.IsIPv6Multicast || ip.IsIPv6UniqueLocal || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8);
    }
}

/// <summary>BR 7.1.4.3: a subject commonName, if present, is one of the SAN values.</summary>
internal sealed class TlsCommonNameInSansRule : ILintRule
{
    private const string CommonNameOid = "2.5.4.3";

    public string Id => "cabf.br.cn-in-san";

    public string? Check(LintContext c)
    {
        if (c.Profile.Trust != TrustStyle.PublicTls) return null;
        var ext = c.Extension<X509SubjectAlternativeNameExtension>(Oids.SubjectAltName);
        var names = ext is null ? [] : SanList.Read(ext);
        // Every commonName, not only the one X509Certificate2.GetNameInfo would pick (the last), plus that pick itself,
        // which falls back to other attributes when there is no commonName.
        foreach (var cn in c.Certificate.Attributes(CommonNameOid).Append(c.Certificate.GetNameInfo(X509NameType.SimpleName, false)))
        {
            if (string.IsNullOrEmpty(cn)) continue;
            if (!names.Any(n => string.Equals(n.Value, cn, StringComparison.OrdinalIgnoreCase))) return $"commonName '{cn}' is not among the SANs";
        }
        return null;
    }
}

/// <summary>BR 7.1.2.7.10: serverAuth present; anyExtendedKeyUsage, codeSigning, emailProtection, timeStamping, OCSPSigning absent.</summary>
internal sealed class TlsExtendedKeyUsageRule : ILintRule
{
    private static readonly string[] Forbidden = ["2.5.29.37.0", Oids.CodeSigning, Oids.EmailProtection, "1.3.6.1.5.5.7.3.8", Oids.OcspSigning];

    public string Id => "cabf.br.eku";

    public string? Check(LintContext c)
    {
        if (c.Profile.Trust != TrustStyle.PublicTls) return null;
        var eku = c.Extension<X509EnhancedKeyUsageExtension>(Oids.ExtendedKeyUsage);
        if (eku is null) return "extendedKeyUsage is missing";
        var values = eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value).ToList();
        if (!values.Contains(Oids.ServerAuth)) return "serverAuth is missing";
        var bad = values.FirstOrDefault(v => Forbidden.Contains(v));
        return bad is null ? null : $"EKU {bad} is not allowed in a TLS certificate";
    }
}
