using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Issuance;

namespace Castellan.Authority.Tests.Issuance;

public class CsrReaderTests
{
    private static byte[] NewCsr(out ECDsa key, string subject = "CN=www.example.com", Action<CertificateRequest>? extend = null)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("WWW.example.com");
        san.AddIpAddress(System.Net.IPAddress.Parse("192.0.2.7"));
        san.AddEmailAddress("admin@example.com");
        san.AddUri(new Uri("https://example.com/id"));
        request.CertificateExtensions.Add(san.Build());
        extend?.Invoke(request);
        return request.CreateSigningRequest();
    }

    [Fact]
    public void Read_accepts_pem_der_and_bare_base64_alike()
    {
        var der = NewCsr(out var key);
        using (key)
        {
            var fromPem = CsrReader.Read(PemEncoding.WriteString("CERTIFICATE REQUEST", der));
            var fromNewLabel = CsrReader.Read(PemEncoding.WriteString("NEW CERTIFICATE REQUEST", der));
            var fromBase64 = CsrReader.Read(Convert.ToBase64String(der));
            var fromDer = CsrReader.Read(der);
            foreach (var r in new[] { fromPem, fromNewLabel, fromBase64, fromDer })
            {
                Assert.False(r.IsError, r.Error?.Detail);
                Assert.Equal("CN=www.example.com", r.Value.Subject.Name);
                Assert.Equal(new SubjectKeyInfo("EC", "P-256", 256), r.Value.Key);
                Assert.Equal(
                    [new(SanType.Dns, "www.example.com"), new(SanType.Ip, "192.0.2.7"), new(SanType.Email, "admin@example.com"), new(SanType.Uri, "https://example.com/id")],
                    r.Value.RequestedSans);
                Assert.Equal(key.ExportSubjectPublicKeyInfo(), r.Value.PublicKey.ExportSubjectPublicKeyInfo());
            }
        }
    }

    [Fact]
    public void Read_finds_the_csr_among_surrounding_text()
    {
        var der = NewCsr(out var key);
        key.Dispose();
        var r = CsrReader.Read("Here is my request:\n" + PemEncoding.WriteString("CERTIFICATE REQUEST", der) + "\nthanks\n");
        Assert.False(r.IsError, r.Error?.Detail);
    }

    [Theory]
    [InlineData("CERTIFICATE")]
    [InlineData("PRIVATE KEY")]
    [InlineData("X509 CRL")]
    public void Read_refuses_other_pem_labels_naming_them(string label)
    {
        var der = NewCsr(out var key);
        key.Dispose();
        var r = CsrReader.Read(PemEncoding.WriteString(label, der));
        Assert.True(r.IsError);
        Assert.Contains($"'{label}'", r.Error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_refuses_a_bad_signature_as_failed_proof_of_possession()
    {
        var der = NewCsr(out var key);
        key.Dispose();
        der[^1] ^= 0x01;
        var r = CsrReader.Read(der);
        Assert.IsType<MalformedInput>(r.Error);
        Assert.Contains("signature", r.Error!.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not base64 at all!")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nMIIB")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\n@@@@\n-----END CERTIFICATE REQUEST-----")]
    [InlineData("AAAA")]
    [InlineData("MAA=")]
    public void Read_refuses_empty_truncated_and_garbage_text(string? text)
    {
        var r = CsrReader.Read(text);
        Assert.IsType<MalformedInput>(r.Error);
        Assert.False(string.IsNullOrWhiteSpace(r.Error!.Detail));
    }

    [Fact]
    public void Read_refuses_a_certificate_given_as_der()
    {
        using var key = ECDsa.Create();
        using var cert = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        var r = CsrReader.Read(cert.RawData);
        Assert.IsType<MalformedInput>(r.Error);
    }

    [Fact]
    public void Read_refuses_more_than_64_KiB_as_der_and_as_text()
    {
        var big = RandomNumberGenerator.GetBytes(CsrReader.MaxBytes + 1);
        Assert.Contains("64 KiB", CsrReader.Read(big).Error!.Detail, StringComparison.Ordinal);
        Assert.Contains("64 KiB", CsrReader.Read(PemEncoding.WriteString("CERTIFICATE REQUEST", big)).Error!.Detail, StringComparison.Ordinal);
        Assert.Contains("64 KiB", CsrReader.Read(new string('A', 2 * CsrReader.MaxBytes + 1)).Error!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_accepts_a_large_but_allowed_csr()
    {
        // Many SANs push a CSR well past a few KiB; up to the limit it is read.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=big.example.com", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        for (var i = 0; i < 1500; i++) san.AddDnsName($"host-{i:D5}.example.com");
        request.CertificateExtensions.Add(san.Build());
        var der = request.CreateSigningRequest();
        Assert.InRange(der.Length, 30_000, CsrReader.MaxBytes);
        var r = CsrReader.Read(PemEncoding.WriteString("CERTIFICATE REQUEST", der));
        Assert.False(r.IsError, r.Error?.Detail);
        Assert.Equal(1500, r.Value.RequestedSans.Count);
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(2048)]
    public void Inspect_reports_rsa_size(int bits)
    {
        using var rsa = RSA.Create(bits);
        var info = CsrReader.Inspect(new PublicKey(rsa));
        Assert.Equal(new SubjectKeyInfo("RSA", null, bits), info.Value);
    }

    [Fact]
    public void Inspect_names_the_curve()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Equal(new SubjectKeyInfo("EC", "P-384", 384), CsrReader.Inspect(new PublicKey(p384)).Value);
        Assert.Equal("EC P-384", CsrReader.Inspect(new PublicKey(p384)).Value.ToString());
    }
}
