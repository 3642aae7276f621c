using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;

namespace Castellan.Authority.Encoding;

/// <summary>X.509 extensions .NET has no builder for.</summary>
internal static class ExtensionEncoder
{
    /// <summary>RFC 5280 4.2.1.4 certificatePolicies: a SEQUENCE of PolicyInformation with identifiers only.</summary>
    public static X509Extension CertificatePolicies(IEnumerable<string> oids)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            foreach (var oid in oids)
            {
                using (w.PushSequence()) w.WriteObjectIdentifier(oid);
            }
        }
        return new X509Extension(Oids.CertificatePolicies, w.Encode(), false);
    }

    /// <summary>RFC 6960 4.2.2.2.1 id-pkix-ocsp-nocheck, whose value is NULL.</summary>
    public static X509Extension OcspNoCheck() => new(Oids.OcspNoCheck, [0x05, 0x00], false);

    /// <summary>RFC 5280 4.2.1.10 nameConstraints with dNSName subtrees; critical as the RFC requires.</summary>
    public static X509Extension NameConstraints(IReadOnlyList<string> permittedDns, IReadOnlyList<string> excludedDns)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            WriteSubtrees(w, 0, permittedDns);
            WriteSubtrees(w, 1, excludedDns);
        }
        return new X509Extension(Oids.NameConstraints, w.Encode(), true);
    }

    private static void WriteSubtrees(AsnWriter w, int tag, IReadOnlyList<string> names)
    {
        if (names.Count == 0) return;
        using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, tag)))
        {
            foreach (var name in names)
            {
                using (w.PushSequence()) w.WriteCharacterString(UniversalTagNumber.IA5String, name, new Asn1Tag(TagClass.ContextSpecific, 2));
            }
        }
    }

    /// <summary>Certificate = SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } (RFC 5280 4.1).</summary>
    public static byte[] AssembleSigned(ReadOnlySpan<byte> tbs, ReadOnlySpan<byte> algorithmIdentifier, ReadOnlySpan<byte> signature)
    {
        var w = new AsnWriter(AsnEncodingRules.DER, tbs.Length + algorithmIdentifier.Length + signature.Length + 16);
        using (w.PushSequence())
        {
            w.WriteEncodedValue(tbs);
            w.WriteEncodedValue(algorithmIdentifier);
            w.WriteBitString(signature);
        }
        return w.Encode();
    }
}
