using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Encoding;

namespace Castellan.Authority.Issuance;

/// <summary>
/// Builds the exact DER TBSCertificate for a template. .NET's CertificateRequest does the encoding; a capturing
/// signature generator takes the TBS bytes instead of signing them, so the linter sees exactly what will be signed
/// and the key is touched only after the lint passes and the issuance is recorded.
/// </summary>
public static class TbsBuilder
{
    public static byte[] Build(CertificateTemplate t, IssuerContext issuer, PublicationUrls urls)
    {
        var request = new CertificateRequest(t.Subject, t.PublicKey, issuer.Key.Hash);
        var ext = request.CertificateExtensions;
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

        var capture = new TbsCapture(issuer.Key.Generator);
        using var discarded = request.Create(issuer.Name, capture, t.NotBefore, t.NotAfter, t.Serial.ToBytes());
        return capture.Tbs ?? throw new InvalidOperationException("the certificate request produced no TBSCertificate");
    }

    /// <summary>Takes the TBS instead of signing it; the placeholder signature is never seen outside this class.</summary>
    private sealed class TbsCapture(X509SignatureGenerator real) : X509SignatureGenerator
    {
        private static readonly byte[] Placeholder = [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01];

        public byte[]? Tbs { get; private set; }

        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) => real.GetSignatureAlgorithmIdentifier(hashAlgorithm);

        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm)
        {
            Tbs = data;
            return Placeholder;
        }

        protected override PublicKey BuildPublicKey() => real.PublicKey;
    }
}
