using System.Formats.Asn1;
using Castellan.Authority.Contracts;
using Castellan.Authority.Issuance;

namespace Castellan.Authority.Encoding;

/// <summary>RFC 5280 4.2.1.6 GeneralName pieces .NET does not enumerate for us (rfc822Name [1], uniformResourceIdentifier [6]).</summary>
internal static class GeneralNames
{
    private static readonly Asn1Tag Rfc822 = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag Uri = new(TagClass.ContextSpecific, 6);

    public static IEnumerable<SubjectAltName> ReadEmailsAndUris(byte[] sanExtensionValue)
    {
        var found = new List<SubjectAltName>();
        var seq = new AsnReader(sanExtensionValue, AsnEncodingRules.DER).ReadSequence();
        while (seq.HasData)
        {
            var tag = seq.PeekTag();
            if (tag == Rfc822) found.Add(new SubjectAltName(SanType.Email, seq.ReadCharacterString(UniversalTagNumber.IA5String, Rfc822)));
            else if (tag == Uri) found.Add(new SubjectAltName(SanType.Uri, seq.ReadCharacterString(UniversalTagNumber.IA5String, Uri)));
            else seq.ReadEncodedValue();
        }
        return found;
    }
}
