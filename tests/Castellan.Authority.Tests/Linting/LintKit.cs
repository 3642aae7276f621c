using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Issuance;
using Castellan.Authority.Linting;
using Microsoft.Extensions.Time.Testing;

namespace Castellan.Authority.Tests.Linting;

/// <summary>
/// Builds TBSCertificates the way IssuancePipeline does (template, TbsBuilder, a software issuer key) and lints them
/// under a fake clock. Subscriber keys are generated once per type and shared: RSA-4096 generation is slow.
/// </summary>
internal static class LintKit
{
    public static readonly DateTimeOffset Today = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly PublicationUrls Urls = new("http://ca.example.com");
    private static readonly ConcurrentDictionary<string, AsymmetricAlgorithm> Keys = new();
    private static readonly Lazy<IssuerContext> SharedIssuer = new(() => NewIssuer("CN=Lint Test Issuing CA,O=Castellan"));

    public static IssuerContext Issuer => SharedIssuer.Value;

    /// <summary>"P-256", "P-384", "P-521", "RSA-1024", "RSA-2048", "RSA-3072", "RSA-4096".</summary>
    public static PublicKey Key(string type)
    {
        var key = Keys.GetOrAdd(type, t => t.StartsWith("RSA-", StringComparison.Ordinal)
            ? RSA.Create(int.Parse(t[4..], System.Globalization.CultureInfo.InvariantCulture))
            : ECDsa.Create(t switch { "P-256" => ECCurve.NamedCurves.nistP256, "P-384" => ECCurve.NamedCurves.nistP384, _ => ECCurve.NamedCurves.nistP521 }));
        return key is ECDsa ec ? new PublicKey(ec) : new PublicKey((RSA)key);
    }

    /// <summary>A CA with a software key and a self-signed certificate, as the hierarchy would open it.</summary>
    public static IssuerContext NewIssuer(string subject)
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var name = new X500DistinguishedName(subject);
        var request = new CertificateRequest(name, ec, HashAlgorithmName.SHA256);
        var ski = new X509SubjectKeyIdentifierExtension(request.PublicKey, false);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(ski);
        var cert = request.CreateSelfSigned(Today.AddDays(-30), Today.AddYears(5));
        var record = new CertificateAuthorityRecord
        {
            Id = "lint-ca", Name = "Lint Test CA", Kind = CaKind.Intermediate, SubjectDn = name.Name, KeyAlgorithm = KeyAlgorithm.EcP256,
            Key = new KeyReference("software", "lint-ca.p8"), Status = CaStatus.Active, CreatedAt = Today.AddDays(-30),
        };
        return new IssuerContext(record, name, ski.SubjectKeyIdentifierBytes.ToArray(), new CaSigningKey(KeyAlgorithm.EcP256, X509SignatureGenerator.CreateForECDsa(ec), signsDeterministically: false))
        {
            Certificate = cert,
        };
    }

    /// <summary>A template as IssueCertificate makes it: notBefore a minute back, validity counted inclusively.</summary>
    public static CertificateTemplate Template(CertificateProfile profile, string keyType, string subject, string[] sans, DateTimeOffset now, int? days = null)
    {
        var notBefore = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()) - TimeSpan.FromMinutes(1);
        return new CertificateTemplate
        {
            Serial = SerialNumber.NewRandom(),
            Subject = new X500DistinguishedName(subject),
            PublicKey = Key(keyType),
            Sans = sans.Select(s => SubjectAltName.Parse(s).Value).ToList(),
            NotBefore = notBefore,
            NotAfter = notBefore.AddDays(days ?? profile.EffectiveDefaultValidityDays).AddSeconds(-1),
            Profile = profile,
            PathLength = profile.IsCa ? profile.PathLength : null,
        };
    }

    public static byte[] Tbs(CertificateTemplate template, IssuerContext? issuer = null) => TbsBuilder.Build(template, issuer ?? Issuer, Urls);

    public static LintFailure? Lint(byte[] tbs, CertificateProfile profile, DateTimeOffset now, bool selfSigned = false, IssuerContext? issuer = null) =>
        new CertificateLinter(new FakeTimeProvider(now)).Check(tbs, (issuer ?? Issuer).Key.SignatureAlgorithmIdentifier, profile, selfSigned);

    /// <summary>Rewrites the extensions of a TBSCertificate: each (oid, critical, value) maps to zero or more.</summary>
    public static byte[] EditExtensions(byte[] tbs, Func<(string Oid, bool Critical, byte[] Value), IEnumerable<(string Oid, bool Critical, byte[] Value)>> edit)
    {
        var outer = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            while (outer.HasData)
            {
                var tag = outer.PeekTag();
                if (!tag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 3)))
                {
                    w.WriteEncodedValue(outer.ReadEncodedValue().Span);
                    continue;
                }
                var list = outer.ReadSequence(tag).ReadSequence();
                using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3)))
                using (w.PushSequence())
                {
                    while (list.HasData)
                    {
                        var ext = list.ReadSequence();
                        var oid = ext.ReadObjectIdentifier();
                        var critical = ext.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && ext.ReadBoolean();
                        var value = ext.ReadOctetString();
                        foreach (var (o, c, v) in edit((oid, critical, value)))
                        {
                            using (w.PushSequence())
                            {
                                w.WriteObjectIdentifier(o);
                                if (c) w.WriteBoolean(true);
                                w.WriteOctetString(v);
                            }
                        }
                    }
                }
            }
        }
        return w.Encode();
    }
}
