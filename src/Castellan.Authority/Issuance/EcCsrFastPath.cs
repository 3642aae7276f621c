using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;

namespace Castellan.Authority.Issuance;

/// <summary>
/// The common case of <see cref="CsrReader"/>, made cheap: a well-formed PKCS#10 (RFC 2986) with a P-256 or P-384 key
/// and an ECDSA signature. It checks the same things (structure, version 0, the proof-of-possession signature) with
/// one AsnReader pass and one ECDSA verification, where CertificateRequest.LoadSigningRequest also builds a request
/// object and its extension collection. Anything else, including every failure, returns null and takes the general
/// path, so error messages and the other key types stay exactly as they were.
/// </summary>
internal static class EcCsrFastPath
{
    private const string ExtensionRequest = "1.2.840.113549.1.9.14"; // PKCS#9 extensionRequest

    public static ParsedCsr? TryRead(byte[] der)
    {
        try
        {
            return Read(der);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    private static ParsedCsr? Read(byte[] der)
    {
        // CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature BIT STRING }
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var request = outer.ReadSequence();
        if (outer.HasData) return null;
        var info = request.ReadEncodedValue();
        var alg = request.ReadSequence();
        var hash = alg.ReadObjectIdentifier() switch
        {
            "1.2.840.10045.4.3.2" => HashAlgorithmName.SHA256,
            "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
            "1.2.840.10045.4.3.4" => HashAlgorithmName.SHA512,
            _ => default,
        };
        if (hash == default || alg.HasData) return null; // RFC 5758 3.2: ecdsa-with-SHA* has absent parameters
        var signature = request.ReadBitString(out var unused);
        if (unused != 0 || request.HasData) return null;

        // CertificationRequestInfo ::= SEQUENCE { version INTEGER { v1(0) }, subject, subjectPKInfo, attributes [0] }
        var body = new AsnReader(info, AsnEncodingRules.DER).ReadSequence();
        if (!body.TryReadInt32(out var version) || version != 0) return null;
        var subject = body.ReadEncodedValue();
        var spki = body.ReadEncodedValue();
        var attributes = body.ReadSetOf(skipSortOrderValidation: true, new Asn1Tag(TagClass.ContextSpecific, 0));
        if (body.HasData) return null;

        var publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(spki.Span, out var read);
        if (read != spki.Length || publicKey.Oid.Value != Oids.EcPublicKey) return null;
        var key = CsrReader.Inspect(publicKey);
        if (key.IsError || key.Value.Curve is not ("P-256" or "P-384")) return null;

        // RFC 2986 proof of possession: the subject's key signed the request info.
        using (var ecdsa = ECDsa.Create())
        {
            ecdsa.ImportSubjectPublicKeyInfo(spki.Span, out _);
            if (!ecdsa.VerifyData(info.Span, signature, hash, DSASignatureFormat.Rfc3279DerSequence)) return null;
        }

        var sans = new List<SubjectAltName>();
        var sawExtensionRequest = false;
        while (attributes.HasData)
        {
            var attribute = attributes.ReadSequence();
            var type = attribute.ReadObjectIdentifier();
            var values = attribute.ReadSetOf();
            if (attribute.HasData) return null;
            if (type != ExtensionRequest) continue;
            if (sawExtensionRequest) return null;
            sawExtensionRequest = true;
            var extensions = values.ReadSequence();
            if (values.HasData) return null;
            while (extensions.HasData)
            {
                var extension = extensions.ReadSequence();
                var oid = extension.ReadObjectIdentifier();
                var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
                var value = extension.ReadOctetString();
                if (extension.HasData) return null;
                if (oid != Oids.SubjectAltName) continue;
                var san = new X509SubjectAlternativeNameExtension(value, critical);
                foreach (var dns in san.EnumerateDnsNames()) sans.Add(new SubjectAltName(SanType.Dns, dns.ToLowerInvariant()));
                foreach (var ip in san.EnumerateIPAddresses()) sans.Add(new SubjectAltName(SanType.Ip, ip.ToString()));
                foreach (var other in Encoding.GeneralNames.ReadEmailsAndUris(value)) sans.Add(other);
            }
        }
        return new ParsedCsr(new X500DistinguishedName(subject.Span), publicKey, key.Value, sans);
    }
}
