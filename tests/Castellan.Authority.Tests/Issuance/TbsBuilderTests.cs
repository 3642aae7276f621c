using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Encoding;
using Castellan.Authority.Issuance;
using Castellan.Authority.Profiles;

namespace Castellan.Authority.Tests.Issuance;

/// <summary>
/// TbsBuilder writes the TBSCertificate by hand for speed; .NET's CertificateRequest, given the same names, key,
/// validity, serial and extensions, must produce the very same bytes.
/// </summary>
public class TbsBuilderTests
{
    private static readonly ECDsa CaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static TheoryData<string, string, string[], int> Cases => new()
    {
        { "tls-server", "CN=www.bench-castellan.com", ["dns:www.bench-castellan.com", "dns:bench-castellan.com", "ip:192.0.2.7"], 90 },
        { "tls-server", "", ["dns:only-san.bench-castellan.com"], 30 },
        { "tls-server", "CN=far.bench-castellan.com", ["dns:far.bench-castellan.com"], 365 * 30 }, // notAfter after 2049: GeneralizedTime
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Build_matches_CertificateRequest_byte_for_byte(string profileId, string subject, string[] sans, int days)
    {
        var profile = BuiltInProfiles.All.First(p => p.Id == profileId);
        using var subscriber = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var issuer = Issuer();
        var notBefore = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var template = new CertificateTemplate
        {
            Serial = SerialNumber.NewRandom(),
            Subject = new X500DistinguishedName(subject),
            PublicKey = new PublicKey(subscriber),
            Sans = sans.Select(s => SubjectAltName.Parse(s).Value).ToList(),
            NotBefore = notBefore,
            NotAfter = notBefore.AddDays(days).AddSeconds(-1),
            Profile = profile,
        };

        var ours = TbsBuilder.Build(template, issuer, new PublicationUrls("http://127.0.0.1:8080"));

        using var parsed = X509CertificateLoader.LoadCertificate(ExtensionEncoder.AssembleSigned(ours, issuer.Key.SignatureAlgorithmIdentifier.Span, [0x00]));
        var request = new CertificateRequest(template.Subject, template.PublicKey, HashAlgorithmName.SHA256);
        foreach (var e in parsed.Extensions) request.CertificateExtensions.Add(e);
        Assert.Contains(parsed.Extensions, e => e.Oid!.Value == Oids.SubjectAltName);
        var capture = new Capture(issuer.Key.Generator);
        using var _ = request.Create(issuer.Name, capture, template.NotBefore, template.NotAfter, template.Serial.ToBytes());

        Assert.Equal(Convert.ToHexString(capture.Tbs!), Convert.ToHexString(ours));
    }

    private static IssuerContext Issuer()
    {
        var name = new X500DistinguishedName("CN=TbsBuilder test CA");
        var key = new CaSigningKey(KeyAlgorithm.EcP256, X509SignatureGenerator.CreateForECDsa(CaKey), signsDeterministically: false);
        var record = new CertificateAuthorityRecord
        {
            Id = "issuing-1", Name = "test", Kind = CaKind.Intermediate, SubjectDn = name.Name, KeyAlgorithm = KeyAlgorithm.EcP256,
            Key = new KeyReference("software", "test"), Status = CaStatus.Active, CreatedAt = DateTimeOffset.UtcNow,
        };
        return new IssuerContext(record, name, SHA256.HashData(key.PublicKey.EncodedKeyValue.RawData)[..20], key);
    }

    private sealed class Capture(X509SignatureGenerator real) : X509SignatureGenerator
    {
        public byte[]? Tbs { get; private set; }
        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) => real.GetSignatureAlgorithmIdentifier(hashAlgorithm);
        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm)
        {
            Tbs = data;
            return [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01];
        }
        protected override PublicKey BuildPublicKey() => real.PublicKey;
    }
}
