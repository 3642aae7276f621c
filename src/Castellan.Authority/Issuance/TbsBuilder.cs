using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Encoding;

namespace Castellan.Authority.Issuance;

/// <summary>
/// Builds the exact DER TBSCertificate for a template, so the linter sees exactly what will be signed and the key is
/// touched only after the lint passes and the issuance is recorded. .NET's extension types encode the extensions;
/// the TBSCertificate around them (RFC 5280 4.1) is written here on one AsnWriter. CertificateRequest.Create would
/// produce the same bytes but also parses a throwaway certificate, which cost about as much as everything else in
/// building the TBS (bench/README.md, "issuance steps").
/// </summary>
public static class TbsBuilder
{
    public static byte[] Build(CertificateTemplate t, IssuerContext issuer, PublicationUrls urls)
    {
        var ext = new List<X509Extension>(10);
        var p = t.Profile;

        if (p.IsCa)
        {
            ext.Add(new X509BasicConstraintsExtension(true, t.PathLength.HasValue, t.PathLength ?? 0, true));
        }
        else
        {
            ext.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        }
        ext.Add(new X509KeyUsageExtension(p.KeyUsage, true));
        if (p.ExtendedKeyUsages.Count > 0)
        {
            var ekus = new OidCollection();
            foreach (var oid in p.ExtendedKeyUsages) ekus.Add(new Oid(oid));
            ext.Add(new X509EnhancedKeyUsageExtension(ekus, false));
        }
        if (t.Sans.Count > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in t.Sans)
            {
                switch (name.Type)
                {
                    case SanType.Dns: san.AddDnsName(name.Value); break;
                    case SanType.Ip: san.AddIpAddress(System.Net.IPAddress.Parse(name.Value)); break;
                    case SanType.Email: san.AddEmailAddress(name.Value); break;
                    case SanType.Uri: san.AddUri(new Uri(name.Value)); break;
                }
            }
            // RFC 5280 4.2.1.6: critical when the subject is empty.
            ext.Add(san.Build(critical: t.Subject.RawData.Length <= 2));
        }
        var ski = new X509SubjectKeyIdentifierExtension(t.PublicKey, false);
        ext.Add(ski);
        var selfSigned = issuer.Certificate is null && t.Subject.RawData.AsSpan().SequenceEqual(issuer.Name.RawData);
        if (!selfSigned)
        {
            ext.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(issuer.SubjectKeyIdentifier));
            if (p.IncludeCrlDistributionPoint)
                ext.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([urls.Crl(issuer.Ca.Id)]));
            var ocsp = p.IncludeOcspUrl ? new[] { urls.Ocsp } : null;
            var caIssuers = p.IncludeCaIssuersUrl ? new[] { urls.CaIssuers(issuer.Ca.Id) } : null;
            if (ocsp is not null || caIssuers is not null)
                ext.Add(new X509AuthorityInformationAccessExtension(ocsp, caIssuers));
        }
        if (p.PolicyOids.Count > 0) ext.Add(ExtensionEncoder.CertificatePolicies(p.PolicyOids));
        if (p.OcspNoCheck) ext.Add(ExtensionEncoder.OcspNoCheck());
        if (p.IsCa && (t.PermittedDnsNames.Count > 0 || t.ExcludedDnsNames.Count > 0))
            ext.Add(ExtensionEncoder.NameConstraints(t.PermittedDnsNames, t.ExcludedDnsNames));

        return Encode(t, issuer, ext);
    }

    /// <summary>RFC 5280 4.1: TBSCertificate, version 3, extensions in the order given.</summary>
    private static byte[] Encode(CertificateTemplate t, IssuerContext issuer, List<X509Extension> extensions)
    {
        var spki = t.PublicKey.ExportSubjectPublicKeyInfo();
        var w = new AsnWriter(AsnEncodingRules.DER, 1024 + spki.Length + extensions.Sum(e => e.RawData.Length + 16));
        using (w.PushSequence())
        {
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true))) w.WriteInteger(2);
            w.WriteIntegerUnsigned(t.Serial.ToBytes()); // 4.1.2.2: a positive INTEGER
            w.WriteEncodedValue(issuer.Key.SignatureAlgorithmIdentifier.Span);
            w.WriteEncodedValue(issuer.Name.RawData);
            using (w.PushSequence())
            {
                WriteTime(w, t.NotBefore);
                WriteTime(w, t.NotAfter);
            }
            w.WriteEncodedValue(t.Subject.RawData);
            w.WriteEncodedValue(spki);
            if (extensions.Count > 0)
            {
                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true)))
                using (w.PushSequence())
                {
                    foreach (var e in extensions)
                    {
                        using (w.PushSequence())
                        {
                            w.WriteObjectIdentifier(e.Oid!.Value!);
                            if (e.Critical) w.WriteBoolean(true); // DER: the DEFAULT FALSE is omitted
                            w.WriteOctetString(e.RawData);
                        }
                    }
                }
            }
        }
        return w.Encode();
    }

    /// <summary>RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, Zulu.</summary>
    private static void WriteTime(AsnWriter w, DateTimeOffset t)
    {
        var utc = DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());
        if (utc.Year < 2050) w.WriteUtcTime(utc);
        else w.WriteGeneralizedTime(utc, omitFractionalSeconds: true);
    }
}
