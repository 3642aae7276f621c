using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;

namespace Castellan.Authority.Linting;

/// <summary>
/// The fields of one exact TBSCertificate (RFC 5280 4.1), read once with a strict DER reader. Linting used to wrap the
/// TBS in a placeholder-signed certificate and parse that with OpenSSL, which cost more than signing it; rules now read
/// the same bytes through this view, with the member names of <see cref="X509Certificate2"/> they used before.
/// Extensions are decoded by .NET's own typed extension classes, lazily, as the certificate's were.
/// </summary>
public sealed class TbsView
{
    private const string EmailAddress = "1.2.840.113549.1.9.1"; // PKCS #9 emailAddress
    private const string CommonName = "2.5.4.3";
    private const string OrganizationalUnit = "2.5.4.11";
    private const string Organization = "2.5.4.10";

    private TbsView(byte[] serial, DateTime notBefore, DateTime notAfter, X500DistinguishedName subject, PublicKey publicKey, X509ExtensionCollection extensions)
    {
        SerialNumberBytes = serial;
        NotBefore = notBefore;
        NotAfter = notAfter;
        SubjectName = subject;
        PublicKey = publicKey;
        Extensions = extensions;
    }

    /// <summary>Big-endian, as encoded (a leading zero octet for a positive value with the top bit set is kept).</summary>
    public ReadOnlyMemory<byte> SerialNumberBytes { get; }

    /// <summary>UTC.</summary>
    public DateTime NotBefore { get; }

    /// <summary>UTC.</summary>
    public DateTime NotAfter { get; }

    public X500DistinguishedName SubjectName { get; }
    public PublicKey PublicKey { get; }
    public X509ExtensionCollection Extensions { get; }

    /// <summary>
    /// The extension with this dotted OID, or null. Compares <see cref="Oid.Value"/> directly: the collection's string
    /// indexer first resolves its argument as a friendly name through OpenSSL (OBJ lookup), a native call per rule per
    /// certificate that showed in the issuance trace.
    /// </summary>
    public X509Extension? Extension(string oid)
    {
        foreach (var extension in Extensions)
        {
            if (extension.Oid?.Value == oid) return extension;
        }
        return null;
    }

    /// <summary>Reads a TBSCertificate; throws <see cref="CryptographicException"/> when it is not valid DER of that shape.</summary>
    public static TbsView Parse(byte[] tbs)
    {
        try
        {
            var outer = new AsnReader(tbs, AsnEncodingRules.DER);
            var seq = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var version = 0;
            if (seq.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                var v = seq.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
                if (!v.TryReadInt32(out version) || version is < 0 or > 2) throw new CryptographicException("unknown certificate version");
                v.ThrowIfNotEmpty();
            }
            var serial = seq.ReadIntegerBytes().ToArray();
            ReadAlgorithmIdentifier(seq);
            _ = new X500DistinguishedName(seq.ReadEncodedValue().Span).EnumerateRelativeDistinguishedNames().Count(); // issuer: well-formed
            var validity = seq.ReadSequence();
            var notBefore = ReadTime(validity);
            var notAfter = ReadTime(validity);
            validity.ThrowIfNotEmpty();
            var subject = new X500DistinguishedName(seq.ReadEncodedValue().Span);
            _ = subject.EnumerateRelativeDistinguishedNames().Count();
            var publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(seq.ReadEncodedValue().Span, out _);
            foreach (var unique in (int[])[1, 2])
            {
                if (seq.HasData && seq.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, unique)))
                {
                    if (version < 1) throw new CryptographicException("unique identifiers need a v2 or v3 certificate");
                    seq.ReadBitString(out _, new Asn1Tag(TagClass.ContextSpecific, unique));
                }
            }
            var extensions = new X509ExtensionCollection();
            if (seq.HasData)
            {
                if (version != 2) throw new CryptographicException("extensions need a v3 certificate");
                var wrapper = seq.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 3));
                var list = wrapper.ReadSequence();
                wrapper.ThrowIfNotEmpty();
                if (!list.HasData) throw new CryptographicException("the extensions list is empty");
                while (list.HasData)
                {
                    var ext = list.ReadSequence();
                    var oid = ext.ReadObjectIdentifier();
                    var critical = ext.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && ext.ReadBoolean();
                    var value = ext.ReadOctetString();
                    ext.ThrowIfNotEmpty();
                    extensions.Add(Typed(oid, value, critical));
                }
            }
            seq.ThrowIfNotEmpty();
            return new TbsView(serial, notBefore, notAfter, subject, publicKey, extensions);
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException(e.Message, e);
        }
    }

    /// <summary>
    /// As <see cref="X509Certificate2.GetNameInfo"/> on the subject: SimpleName is the last commonName, else the last
    /// organizationalUnit, organization or emailAddress, else the first dNSName; EmailName is the last emailAddress,
    /// else the first rfc822Name. Empty when there is none.
    /// </summary>
    public string GetNameInfo(X509NameType type, bool forIssuer)
    {
        if (forIssuer) throw new NotSupportedException("the view holds the subject only");
        string[] order = type switch
        {
            X509NameType.SimpleName => [CommonName, OrganizationalUnit, Organization, EmailAddress],
            X509NameType.EmailName => [EmailAddress],
            _ => throw new NotSupportedException($"name type {type}"),
        };
        foreach (var oid in order)
        {
            if (Attributes(oid).LastOrDefault() is { } value) return value;
        }
        if (Extension(Oids.SubjectAltName) is X509SubjectAlternativeNameExtension san)
        {
            if (type == X509NameType.SimpleName) return san.EnumerateDnsNames().FirstOrDefault() ?? "";
            return Encoding.GeneralNames.ReadEmailsAndUris(san.RawData).Where(n => n.Type == SanType.Email).Select(n => n.Value).FirstOrDefault() ?? "";
        }
        return "";
    }

    /// <summary>Every value of one attribute type in the subject, in order (multi-valued RDNs included).</summary>
    public IEnumerable<string> Attributes(string oid)
    {
        foreach (var rdn in SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (!rdn.HasMultipleElements)
            {
                if (rdn.GetSingleElementType().Value == oid && rdn.GetSingleElementValue() is { } single) yield return single;
                continue;
            }
            // A multi-valued RDN: SET OF AttributeTypeAndValue, read directly.
            var set = new AsnReader(rdn.RawData, AsnEncodingRules.DER).ReadSetOf();
            while (set.HasData)
            {
                var atv = set.ReadSequence();
                var type = atv.ReadObjectIdentifier();
                if (type != oid) continue;
                var tag = atv.PeekTag();
                if (tag.TagClass != TagClass.Universal) continue;
                var value = (UniversalTagNumber)tag.TagValue switch
                {
                    UniversalTagNumber.BMPString => atv.ReadCharacterString(UniversalTagNumber.BMPString),
                    UniversalTagNumber.PrintableString => atv.ReadCharacterString(UniversalTagNumber.PrintableString),
                    UniversalTagNumber.IA5String => atv.ReadCharacterString(UniversalTagNumber.IA5String),
                    UniversalTagNumber.T61String => atv.ReadCharacterString(UniversalTagNumber.T61String),
                    UniversalTagNumber.UTF8String => atv.ReadCharacterString(UniversalTagNumber.UTF8String),
                    _ => null,
                };
                if (value is not null) yield return value;
            }
        }
    }

    private static X509Extension Typed(string oid, byte[] value, bool critical) => oid switch
    {
        Oids.BasicConstraints => new X509BasicConstraintsExtension(new AsnEncodedData(oid, value), critical),
        Oids.KeyUsage => new X509KeyUsageExtension(new AsnEncodedData(oid, value), critical),
        Oids.ExtendedKeyUsage => new X509EnhancedKeyUsageExtension(new AsnEncodedData(oid, value), critical),
        Oids.SubjectKeyIdentifier => new X509SubjectKeyIdentifierExtension(new AsnEncodedData(oid, value), critical),
        Oids.AuthorityKeyIdentifier => new X509AuthorityKeyIdentifierExtension(value, critical),
        Oids.SubjectAltName => new X509SubjectAlternativeNameExtension(value, critical),
        Oids.AuthorityInfoAccess => new X509AuthorityInformationAccessExtension(value, critical),
        _ => new X509Extension(oid, value, critical),
    };

    private static void ReadAlgorithmIdentifier(AsnReader seq)
    {
        var alg = seq.ReadSequence();
        alg.ReadObjectIdentifier();
        if (alg.HasData) alg.ReadEncodedValue();
        alg.ThrowIfNotEmpty();
    }

    private static DateTime ReadTime(AsnReader validity) =>
        (validity.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? validity.ReadUtcTime() : validity.ReadGeneralizedTime()).UtcDateTime;
}
