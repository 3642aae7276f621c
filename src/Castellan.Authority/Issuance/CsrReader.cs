using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Castellan.Authority.Contracts;

namespace Castellan.Authority.Issuance;

/// <summary>A PKCS#10 request whose signature has been verified (RFC 2986: proof of possession).</summary>
public sealed record ParsedCsr(X500DistinguishedName Subject, PublicKey PublicKey, SubjectKeyInfo Key, IReadOnlyList<SubjectAltName> RequestedSans);

/// <summary>What kind of key a subscriber presented.</summary>
public sealed record SubjectKeyInfo(string Type, string? Curve, int Bits)
{
    public override string ToString() => Type == "EC" ? $"EC {Curve}" : $"{Type} {Bits}";
}

/// <summary>Reads PEM or DER PKCS#10, bounded in size, and verifies its signature before anything else looks at it.</summary>
public static class CsrReader
{
    /// <summary>A CSR is a few hundred bytes; 64 KiB leaves room for RSA-16384 and long SAN lists.</summary>
    public const int MaxBytes = 64 * 1024;

    public static Result<ParsedCsr> Read(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new MalformedInput("the CSR is empty");
        if (text.Length > MaxBytes * 2) return new MalformedInput($"the CSR is larger than {MaxBytes / 1024} KiB");
        if (!text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            // Bare base64 DER, as EST and some tools send it.
            try
            {
                return Read(Convert.FromBase64String(text.Trim()));
            }
            catch (FormatException)
            {
                return new MalformedInput("the CSR is neither PEM nor base64 DER");
            }
        }
        if (!PemEncoding.TryFind(text, out var fields)) return new MalformedInput("the CSR PEM is truncated or malformed");
        var label = text[fields.Label];
        if (label is not ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST"))
            return new MalformedInput($"expected a CERTIFICATE REQUEST PEM block, found '{label}'");
        var der = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(text.AsSpan()[fields.Base64Data], der, out var written))
            return new MalformedInput("the CSR PEM has invalid base64");
        return Read(der.AsSpan(0, written).ToArray());
    }

    public static Result<ParsedCsr> Read(byte[] der)
    {
        if (der.Length == 0) return new MalformedInput("the CSR is empty");
        if (der.Length > MaxBytes) return new MalformedInput($"the CSR is larger than {MaxBytes / 1024} KiB");
        CertificateRequest request;
        try
        {
            // The default load options verify the PKCS#10 signature; the unsafe flag only exposes the requested
            // extensions so we can read requested SANs. Nothing from them is copied into a certificate unchecked.
            // An ECDSA request on a NIST curve whose signature libcrypto already verified (without .NET's redundant
            // key check, see EcCsrSignature) is only parsed; everything else, and every failure, is verified by .NET.
            var options = CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions;
            if (EcCsrSignature.Verified(der)) options |= CertificateRequestLoadOptions.SkipSignatureValidation;
            request = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, options);
        }
        catch (CryptographicException e)
        {
            // .NET verifies RSA and ECDSA only; Ed25519 requests (RFC 8410) are verified with BouncyCastle.
            return Ed25519Csr.TryRead(der) ?? new MalformedInput(Describe(e, der));
        }
        catch (NotSupportedException)
        {
            // An unknown curve or signature algorithm OID: .NET cannot verify what it cannot import; Ed25519 goes to BouncyCastle.
            return Ed25519Csr.TryRead(der)
                ?? new MalformedInput("the CSR uses a key or signature algorithm that is not supported (use ECDSA P-256/P-384, RSA or Ed25519)");
        }
        catch (Exception e) when (e is ArgumentException or AsnContentException or FormatException)
        {
            return new MalformedInput("the CSR is not a valid PKCS#10 structure");
        }

        var key = Inspect(request.PublicKey);
        if (key.IsError) return key.Error;

        var sans = new List<SubjectAltName>();
        foreach (var ext in request.CertificateExtensions)
        {
            if (ext.Oid?.Value != Oids.SubjectAltName) continue;
            try
            {
                var sanExt = new X509SubjectAlternativeNameExtension(ext.RawData, ext.Critical);
                foreach (var dns in sanExt.EnumerateDnsNames()) sans.Add(new SubjectAltName(SanType.Dns, dns.ToLowerInvariant()));
                foreach (var ip in sanExt.EnumerateIPAddresses()) sans.Add(new SubjectAltName(SanType.Ip, ip.ToString()));
                foreach (var other in Encoding.GeneralNames.ReadEmailsAndUris(ext.RawData)) sans.Add(other);
            }
            catch (Exception e) when (e is CryptographicException or AsnContentException)
            {
                return new MalformedInput("the CSR's subjectAltName extension is malformed");
            }
        }
        return new ParsedCsr(request.SubjectName, request.PublicKey, key.Value, sans);
    }

    private static string Describe(CryptographicException e, byte[] der)
    {
        // Tell "not a CSR" from "a CSR whose signature fails" so the caller knows what to fix.
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            var seq = reader.ReadSequence();
            seq.ReadEncodedValue();
            seq.ReadEncodedValue();
            seq.ReadBitString(out _);
            if (!reader.HasData && !seq.HasData)
            {
                return e.Message.Contains("signature", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("verif", StringComparison.OrdinalIgnoreCase)
                    ? "the CSR signature does not verify (proof of possession failed)"
                    : "the CSR could not be read or its signature does not verify: " + e.Message.TrimEnd('.');
            }
        }
        catch (AsnContentException)
        {
        }
        return "the CSR is not a valid PKCS#10 structure";
    }

    public static Result<SubjectKeyInfo> Inspect(PublicKey key)
    {
        switch (key.Oid.Value)
        {
            case Oids.EcPublicKey:
                var curveOid = CurveOid(key.EncodedParameters?.RawData);
                var curve = curveOid switch
                {
                    Oids.P256 => "P-256",
                    Oids.P384 => "P-384",
                    Oids.P521 => "P-521",
                    "1.2.840.10045.3.1.1" => "P-192",
                    "1.3.132.0.33" => "P-224",
                    _ => curveOid ?? "explicit",
                };
                var bits = curve switch { "P-256" => 256, "P-384" => 384, "P-521" => 521, "P-192" => 192, "P-224" => 224, _ => 0 };
                return new SubjectKeyInfo("EC", curve, bits);
            case Oids.RsaEncryption:
                try
                {
                    using var rsa = key.GetRSAPublicKey();
                    if (rsa is null) return new MalformedInput("the RSA public key could not be read");
                    return new SubjectKeyInfo("RSA", null, rsa.KeySize);
                }
                catch (CryptographicException)
                {
                    return new MalformedInput("the RSA public key could not be read");
                }
            case Oids.Ed25519:
                return new SubjectKeyInfo("Ed25519", null, 256);
            default:
                return new PolicyViolation("key-type", $"key algorithm {key.Oid.Value} is not supported (use ECDSA P-256/P-384 or RSA)");
        }
    }

    /// <summary>The namedCurve OID of ECParameters (RFC 5480 2.1.1); explicit or implicit curves are refused.</summary>
    private static string? CurveOid(byte[]? parameters)
    {
        if (parameters is null || parameters.Length < 3) return null;
        try
        {
            var reader = new AsnReader(parameters, AsnEncodingRules.DER);
            return reader.PeekTag() == Asn1Tag.ObjectIdentifier ? reader.ReadObjectIdentifier() : null;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    internal static string Fingerprint(byte[] der) => Convert.ToHexStringLower(SHA256.HashData(der));

    internal static string Utf8(ReadOnlySpan<byte> b) => System.Text.Encoding.UTF8.GetString(b);
}
