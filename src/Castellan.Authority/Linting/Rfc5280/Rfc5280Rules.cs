using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Issuance;

namespace Castellan.Authority.Linting.Rfc5280;

/// <summary>RFC 5280 4.1.2.2 positive, at most 20 octets; BR 7.1 at least 64 bits of entropy (we issue 127).</summary>
internal sealed class SerialNumberRule : ILintRule
{
    public string Id => "rfc5280.serial";

    public string? Check(LintContext c)
    {
        var serial = c.Certificate.SerialNumberBytes.Span; // big-endian
        if (serial.Length > 20) return $"serial is {serial.Length} octets; at most 20 are allowed";
        if ((serial[0] & 0x80) != 0) return "serial is negative";
        if (serial.IndexOfAnyExcept((byte)0) < 0) return "serial is zero";
        if (serial.Length < 9) return "serial has fewer than 64 bits of randomness";
        return null;
    }
}

internal sealed class ValidityOrderRule : ILintRule
{
    public string Id => "rfc5280.validity";

    public string? Check(LintContext c) =>
        c.Certificate.NotAfter <= c.Certificate.NotBefore ? "notAfter is not after notBefore" : null;
}

/// <summary>The profile's own maximum. Validity counts inclusively, so N days is N*86400 seconds including the last one.</summary>
internal sealed class ProfileValidityRule : ILintRule
{
    public string Id => "profile.validity";

    public string? Check(LintContext c)
    {
        var days = ValidityDays.Of(c.Certificate);
        return days > c.Profile.MaxValidityDays
            ? $"validity of {days:0.##} days exceeds profile '{c.Profile.Id}' maximum of {c.Profile.MaxValidityDays}"
            : null;
    }
}

internal static class ValidityDays
{
    public static double Of(TbsView cert) =>
        (cert.NotAfter.ToUniversalTime() - cert.NotBefore.ToUniversalTime()).TotalSeconds / 86400.0 + 1.0 / 86400.0;
}

/// <summary>RFC 5280: basicConstraints critical in CA certificates (we also mark it so in leaves), keyUsage critical
/// (4.2.1.3 SHOULD), EKU/SKI/AKI/CDP/AIA/policies non-critical in our profiles; SAN critical exactly when the subject is empty.</summary>
internal sealed class ExtensionCriticalityRule : ILintRule
{
    public string Id => "rfc5280.extension.criticality";

    public string? Check(LintContext c)
    {
        var emptySubject = c.Certificate.SubjectName.RawData.Length <= 2;
        foreach (var e in c.Certificate.Extensions)
        {
            var oid = e.Oid?.Value;
            bool? mustBeCritical = oid switch
            {
                Oids.BasicConstraints or Oids.KeyUsage or Oids.NameConstraints => true,
                Oids.SubjectKeyIdentifier or Oids.AuthorityKeyIdentifier or Oids.ExtendedKeyUsage or Oids.CrlDistributionPoints
                    or Oids.AuthorityInfoAccess or Oids.CertificatePolicies or Oids.OcspNoCheck => false,
                Oids.SubjectAltName => emptySubject,
                _ => null,
            };
            if (mustBeCritical is { } must && must != e.Critical)
                return $"extension {oid} must {(must ? "" : "not ")}be critical";
        }
        return null;
    }
}

internal sealed class DuplicateExtensionRule : ILintRule
{
    public string Id => "rfc5280.extension.duplicate";

    public string? Check(LintContext c)
    {
        var seen = new HashSet<string>();
        foreach (var e in c.Certificate.Extensions)
        {
            if (!seen.Add(e.Oid?.Value ?? "")) return $"extension {e.Oid?.Value} appears twice";
        }
        return null;
    }
}

/// <summary>RFC 5280 4.2.1.1: AKI in every certificate but a self-signed root; SKI in CA certificates (4.2.1.2).</summary>
internal sealed class AuthorityKeyIdentifierRule : ILintRule
{
    public string Id => "rfc5280.aki";

    public string? Check(LintContext c)
    {
        if (!c.SelfSigned && c.Certificate.Extension(Oids.AuthorityKeyIdentifier) is null) return "authorityKeyIdentifier is missing";
        if (c.Profile.IsCa && c.Certificate.Extension(Oids.SubjectKeyIdentifier) is null) return "a CA certificate needs subjectKeyIdentifier";
        return null;
    }
}

/// <summary>RFC 5280 4.2.1.9 and 4.2.1.3: cA true with keyCertSign for CAs; cA false and no keyCertSign otherwise.</summary>
internal sealed class BasicConstraintsRule : ILintRule
{
    public string Id => "rfc5280.basic-constraints";

    public string? Check(LintContext c)
    {
        var bc = c.Extension<X509BasicConstraintsExtension>(Oids.BasicConstraints);
        var ku = c.Extension<X509KeyUsageExtension>(Oids.KeyUsage);
        if (ku is null) return "keyUsage is missing";
        var certSign = (ku.KeyUsages & X509KeyUsageFlags.KeyCertSign) != 0;
        if (c.Profile.IsCa)
        {
            if (bc is not { CertificateAuthority: true }) return "a CA certificate needs basicConstraints cA=TRUE";
            if (!certSign) return "a CA certificate needs keyUsage keyCertSign";
        }
        else
        {
            if (bc is { CertificateAuthority: true }) return "an end-entity certificate must not have cA=TRUE";
            if (certSign) return "an end-entity certificate must not have keyCertSign";
        }
        return null;
    }
}

/// <summary>RFC 5280 4.2.1.6: names in preferred syntax; the profile decides which kinds and whether wildcards are allowed.</summary>
internal sealed class SubjectAltNameWellFormedRule : ILintRule
{
    public string Id => "rfc5280.san";

    public string? Check(LintContext c)
    {
        var ext = c.Extension<X509SubjectAlternativeNameExtension>(Oids.SubjectAltName);
        if (ext is null) return c.Profile.RequireSan ? "subjectAltName is required by the profile" : null;
        var names = SanList.Read(ext);
        if (names.Count == 0) return "subjectAltName is empty";
        if (names.Count > c.Profile.MaxSans) return $"{names.Count} names exceed the profile's {c.Profile.MaxSans}";
        foreach (var n in names)
        {
            if (!c.Profile.AllowedSanTypes.Contains(n.Type)) return $"{n.Type} names are not allowed by profile '{c.Profile.Id}'";
            if (n.Type == SanType.Dns)
            {
                if (!DnsNames.IsWellFormed(n.Value, out var why)) return $"'{n.Value}' is not a valid DNS name: {why}";
                if (DnsNames.IsWildcard(n.Value) && !c.Profile.AllowWildcards) return $"wildcard '{n.Value}' is not allowed by profile '{c.Profile.Id}'";
            }
        }
        return null;
    }
}

internal static class SanList
{
    public static List<SubjectAltName> Read(X509SubjectAlternativeNameExtension ext)
    {
        var list = new List<SubjectAltName>();
        foreach (var d in ext.EnumerateDnsNames()) list.Add(new SubjectAltName(SanType.Dns, d));
        foreach (var ip in ext.EnumerateIPAddresses()) list.Add(new SubjectAltName(SanType.Ip, ip.ToString()));
        list.AddRange(Castellan.Authority.Encoding.GeneralNames.ReadEmailsAndUris(ext.RawData));
        return list;
    }
}

/// <summary>NIST SP 800-57 / BR 6.1.5: RSA at least 2048 bits and a multiple of 8; ECDSA on P-256, P-384 or P-521 only.</summary>
internal sealed class KeyStrengthRule : ILintRule
{
    public string Id => "key.strength";

    public string? Check(LintContext c)
    {
        var info = CsrReader.Inspect(c.Certificate.PublicKey);
        if (info.IsError) return info.Error.Detail;
        var k = info.Value;
        if (k.Type == "Ed25519") return c.Profile.AllowEd25519 ? null : $"Ed25519 keys are not allowed by profile '{c.Profile.Id}'";
        if (k.Type == "RSA")
        {
            if (!c.Profile.AllowRsa) return $"RSA keys are not allowed by profile '{c.Profile.Id}'";
            if (k.Bits < Math.Max(2048, c.Profile.MinRsaBits)) return $"RSA {k.Bits} is too weak; at least {Math.Max(2048, c.Profile.MinRsaBits)} bits";
            if (k.Bits % 8 != 0) return $"RSA modulus of {k.Bits} bits is not a multiple of 8";
            return null;
        }
        if (k.Curve is not ("P-256" or "P-384" or "P-521")) return $"EC curve {k.Curve} is not allowed";
        if (!c.Profile.AllowedCurves.Contains(k.Curve)) return $"EC curve {k.Curve} is not allowed by profile '{c.Profile.Id}'";
        return null;
    }
}
