using Castellan.Protocols.Acme.Jws;

namespace Castellan.Protocols.Acme.RenewalInfo;

/// <summary>
/// RFC 9773 §4.1 certificate identifier: base64url(AKI keyIdentifier) "." base64url(serial DER INTEGER contents).
/// The serial is the database key; the AKI is kept to check it names the issuer that signed the certificate.
/// </summary>
internal readonly record struct CertId(byte[] KeyIdentifier, string SerialHex)
{
    public static CertId? Parse(string? text)
    {
        if (text is null || text.Length > 200) return null;
        var dot = text.IndexOf('.');
        if (dot <= 0 || dot == text.Length - 1) return null;
        if (!Base64Url.TryDecode(text[..dot], out var aki) || !Base64Url.TryDecode(text[(dot + 1)..], out var serial)) return null;
        if (aki.Length == 0 || serial.Length is 0 or > 21) return null;
        return new CertId(aki, SerialNumber.FromBytes(serial).Hex);
    }
}
