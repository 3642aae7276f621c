using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Pkcs;

namespace Castellan.Authority.Issuance;

/// <summary>Reads and verifies an Ed25519 PKCS#10 request (RFC 8410), which .NET's CertificateRequest cannot verify.</summary>
internal static class Ed25519Csr
{
    public static Result<ParsedCsr>? TryRead(byte[] der)
    {
        Pkcs10CertificationRequest request;
        try
        {
            request = new Pkcs10CertificationRequest(der);
            if (request.GetCertificationRequestInfo().SubjectPublicKeyInfo.Algorithm.Algorithm.Id != Oids.Ed25519) return null;
            if (!request.Verify()) return new MalformedInput("the CSR signature does not verify (proof of possession failed)");
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException or InvalidOperationException or FormatException
                                   or Org.BouncyCastle.Security.SecurityUtilityException or Org.BouncyCastle.Crypto.CryptoException)
        {
            return null;
        }

        var info = request.GetCertificationRequestInfo();
        var publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(info.SubjectPublicKeyInfo.GetDerEncoded(), out _);
        var subject = new X500DistinguishedName(info.Subject.GetDerEncoded());
        var sans = new List<SubjectAltName>();
        var requested = request.GetRequestedExtensions();
        var sanExtension = requested?.GetExtension(X509Extensions.SubjectAlternativeName);
        if (sanExtension is not null)
        {
            var raw = sanExtension.Value.GetOctets();
            var parsed = new X509SubjectAlternativeNameExtension(raw, sanExtension.IsCritical);
            foreach (var dns in parsed.EnumerateDnsNames()) sans.Add(new SubjectAltName(SanType.Dns, dns.ToLowerInvariant()));
            foreach (var ip in parsed.EnumerateIPAddresses()) sans.Add(new SubjectAltName(SanType.Ip, ip.ToString()));
            sans.AddRange(Encoding.GeneralNames.ReadEmailsAndUris(raw));
        }
        return new ParsedCsr(subject, publicKey, new SubjectKeyInfo("Ed25519", null, 256), sans);
    }
}
