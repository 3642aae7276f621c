using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Castellan.Protocols.Acme.Problems;
using Castellan.Validation.Contracts;

namespace Castellan.Protocols.Acme.Messages;

/// <summary>RFC 8555 §7.1.4 "dns" and RFC 8738 "ip" identifiers, normalised, and the names a CSR asks for.</summary>
internal static class AcmeIdentifiers
{
    public const int MaxPerOrder = 100;

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    public static Result<Identifier> Parse(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String
            || !e.TryGetProperty("value", out var v) || v.ValueKind != JsonValueKind.String)
            return new MalformedInput("an identifier is {\"type\": ..., \"value\": ...}");
        var value = v.GetString()!;
        return t.GetString() switch
        {
            "dns" => Dns(value),
            "ip" => Ip(value),
            var other => new UnsupportedIdentifier($"identifier type '{other}' is not supported (dns, ip)"),
        };
    }

    /// <summary>Lower-case A-labels, no trailing dot, at least two labels, one leading "*." at most (RFC 8555 §7.1.3).</summary>
    public static Result<Identifier> Dns(string value)
    {
        var name = value.ToLowerInvariant();
        var wildcard = name.StartsWith("*.", StringComparison.Ordinal);
        var rest = wildcard ? name[2..] : name;
        if (rest.Length is 0 or > 253 || rest.EndsWith('.') || rest.Contains('*'))
            return new RejectedIdentifier($"'{value}' is not a valid DNS name");
        var labels = rest.Split('.');
        if (labels.Length < 2) return new RejectedIdentifier($"'{value}' is not a fully qualified domain name");
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
                return new RejectedIdentifier($"'{value}' is not a valid DNS name (lower-case A-labels only)");
            if (label.StartsWith("xn--", StringComparison.Ordinal))
            {
                try { Idn.GetUnicode(label); }
                catch (ArgumentException) { return new RejectedIdentifier($"'{value}' has an invalid punycode label"); }
            }
        }
        if (char.IsAsciiDigit(labels[^1][0])) return new RejectedIdentifier($"'{value}' looks like an IP address; use an 'ip' identifier");
        return new Identifier(IdentifierType.Dns, name);
    }

    /// <summary>RFC 8738 §3: the textual form, IPv4 dotted quad or RFC 5952 IPv6; compared in canonical form.</summary>
    public static Result<Identifier> Ip(string value)
    {
        if (!IPAddress.TryParse(value, out var ip) || value.Contains('%') || (ip.AddressFamily == AddressFamily.InterNetwork && value.Count(c => c == '.') != 3))
            return new RejectedIdentifier($"'{value}' is not an IP address");
        return new Identifier(IdentifierType.Ip, ip.ToString());
    }

    public static string TypeName(Identifier i) => i.Type == IdentifierType.Ip ? "ip" : "dns";

    /// <summary>The typed SAN strings the RA and CA take ("dns:name", "ip:address").</summary>
    public static string San(Identifier i) => (i.Type == IdentifierType.Ip ? "ip:" : "dns:") + i.Value;

    /// <summary>
    /// RFC 8555 §7.4: the names the CSR requests (SAN dNSName and iPAddress, and the CN, which must be one of them).
    /// The CSR's own signature is verified by the CA when it issues; here it is only read.
    /// </summary>
    public static Result<(IReadOnlySet<Identifier> Names, string Pem)> FromCsr(byte[] der)
    {
        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256,
                CertificateRequestLoadOptions.SkipSignatureValidation | CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        }
        catch (CryptographicException)
        {
            return new BadCsr("the CSR is not a PKCS#10 request this server can read");
        }
        var names = new HashSet<Identifier>();
        foreach (var ext in request.CertificateExtensions)
        {
            if (ext is not X509SubjectAlternativeNameExtension san)
            {
                if (ext.Oid?.Value != "2.5.29.17") continue;
                san = new X509SubjectAlternativeNameExtension(ext.RawData, ext.Critical);
            }
            try
            {
                foreach (var dns in san.EnumerateDnsNames())
                {
                    var id = Dns(dns);
                    if (id.IsError) return new BadCsr($"the CSR names '{dns}', which is not a valid DNS name");
                    names.Add(id.Value);
                }
                foreach (var ip in san.EnumerateIPAddresses()) names.Add(new Identifier(IdentifierType.Ip, ip.ToString()));
            }
            catch (CryptographicException)
            {
                return new BadCsr("the CSR's subjectAltName extension cannot be read");
            }
        }
        var cn = request.SubjectName.EnumerateRelativeDistinguishedNames().FirstOrDefault(r => r.GetSingleElementType().Value == "2.5.4.3")?.GetSingleElementValue();
        if (cn is not null)
        {
            var asId = IPAddress.TryParse(cn, out _) ? Ip(cn) : Dns(cn);
            if (asId.IsError || !names.Contains(asId.Value)) return new BadCsr($"the CSR's common name '{cn}' is not one of its subjectAltNames");
        }
        return (names, PemEncoding.WriteString("CERTIFICATE REQUEST", der));
    }
}
