using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Issuance;

namespace Castellan.Authority.Tests.Issuance;

/// <summary>The libcrypto proof-of-possession path: it must verify what .NET verifies, and refuse (hand back to .NET)
/// every request whose signature, key or point is wrong. (Linux, where Castellan runs and libcrypto 3 is.)</summary>
public class EcCsrSignatureTests
{
    public static TheoryData<string, string> Curves => new()
    {
        { "nistP256", "SHA256" },
        { "nistP384", "SHA384" },
        { "nistP521", "SHA512" },
        { "nistP256", "SHA512" },
    };

    private static ECCurve Curve(string name) => ECCurve.CreateFromFriendlyName(name);

    private static byte[] Csr(ECDsa subjectKey, ECDsa signer, HashAlgorithmName hash)
    {
        var request = new CertificateRequest(new X500DistinguishedName("CN=pop.example.com"), new PublicKey(subjectKey), hash);
        return request.CreateSigningRequest(X509SignatureGenerator.CreateForECDsa(signer));
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Verified_accepts_a_request_signed_by_its_own_key_on_each_nist_curve(string curve, string hash)
    {
        using var key = ECDsa.Create(Curve(curve));
        var der = Csr(key, key, new HashAlgorithmName(hash));
        Assert.True(EcCsrSignature.Verified(der));
        var read = CsrReader.Read(der);
        Assert.False(read.IsError, read.Error?.Detail);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), read.Value.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void A_request_signed_by_another_key_is_refused_here_and_by_the_reader()
    {
        using var subject = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = Csr(subject, other, HashAlgorithmName.SHA256);
        Assert.False(EcCsrSignature.Verified(der));
        var read = CsrReader.Read(der);
        Assert.True(read.IsError);
        Assert.Contains("does not verify", read.Error!.Detail);
    }

    [Fact]
    public void A_request_altered_after_signing_is_refused_here_and_by_the_reader()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = Csr(key, key, HashAlgorithmName.SHA256);
        var at = der.AsSpan().IndexOf("pop.example"u8);
        der[at] = (byte)'q'; // same length, so the DER stays well formed and only the signature tells
        Assert.False(EcCsrSignature.Verified(der));
        var read = CsrReader.Read(der);
        Assert.True(read.IsError);
        Assert.Contains("does not verify", read.Error!.Detail);
    }

    [Fact]
    public void IsOnCurve_refuses_points_off_the_curve_infinity_and_compressed_points()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(false).Q;
        byte[] point = [0x04, .. p.X!, .. p.Y!];
        Assert.True(EcCsrSignature.IsOnCurve("1.2.840.10045.3.1.7", point));

        var offCurve = (byte[])point.Clone();
        offCurve[^1] ^= 1;
        Assert.False(EcCsrSignature.IsOnCurve("1.2.840.10045.3.1.7", offCurve));
        Assert.False(EcCsrSignature.IsOnCurve("1.2.840.10045.3.1.7", [0x00]));
        Assert.False(EcCsrSignature.IsOnCurve("1.2.840.10045.3.1.7", [(byte)(0x02 | (p.Y![^1] & 1)), .. p.X!]));
        Assert.False(EcCsrSignature.IsOnCurve("1.3.132.0.34", point)); // a P-256 point is not a P-384 point
        // Still usable after refusals: the error queue was cleared and nothing was left half-made.
        Assert.True(EcCsrSignature.IsOnCurve("1.2.840.10045.3.1.7", point));
    }

    [Fact]
    public void Rsa_requests_are_left_to_dotnet_and_still_read()
    {
        using var rsa = RSA.Create(2048);
        var der = new CertificateRequest("CN=rsa.example.com", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();
        Assert.False(EcCsrSignature.Verified(der));
        var read = CsrReader.Read(der);
        Assert.False(read.IsError, read.Error?.Detail);
        Assert.Equal("RSA", read.Value.Key.Type);
    }
}
