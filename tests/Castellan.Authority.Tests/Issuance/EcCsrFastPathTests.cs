using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Issuance;

namespace Castellan.Authority.Tests.Issuance;

/// <summary>
/// The EC fast path of CsrReader must agree with CertificateRequest.LoadSigningRequest on every CSR it accepts, and
/// step aside (null) for anything it does not handle or that fails, so the general path gives the usual answer.
/// </summary>
public class EcCsrFastPathTests
{
    [Theory]
    [InlineData("ec:P-256", "DNS:www.bench-castellan.com,DNS:bench-castellan.com,IP:192.0.2.1,email:ops@bench-castellan.com")]
    [InlineData("ec:P-384", "DNS:a.bench-castellan.com")]
    [InlineData("ec:P-256", null)]
    public async Task Openssl_csr_reads_the_same_as_LoadSigningRequest(string keyAlg, string? sans)
    {
        var der = await OpenSslCsrAsync(keyAlg, sans);

        var fast = EcCsrFastPath.TryRead(der);
        Assert.NotNull(fast);
        var slow = LoadSigningRequest(der);
        Assert.Equal(slow.SubjectName.RawData, fast.Subject.RawData);
        Assert.Equal(slow.PublicKey.ExportSubjectPublicKeyInfo(), fast.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(CsrReader.Inspect(slow.PublicKey).Value, fast.Key);
        var viaReader = CsrReader.Read(der).Value;
        Assert.Equal(viaReader.RequestedSans, fast.RequestedSans);
        Assert.Equal(sans is null ? 0 : sans.Split(',').Length, fast.RequestedSans.Count);
    }

    [Fact]
    public async Task A_csr_whose_signature_fails_is_left_to_the_general_path_which_refuses_it()
    {
        var der = await OpenSslCsrAsync("ec:P-256", "DNS:www.bench-castellan.com");
        der[^3] ^= 0x01; // inside the signature's INTEGER s

        Assert.Null(EcCsrFastPath.TryRead(der));
        var read = CsrReader.Read(der);
        Assert.True(read.IsError);
        Assert.Contains("signature", read.Error.Detail);
    }

    [Fact]
    public async Task Rsa_and_p521_csrs_take_the_general_path()
    {
        Assert.Null(EcCsrFastPath.TryRead(await OpenSslCsrAsync("rsa:2048", "DNS:rsa.bench-castellan.com")));
        Assert.Null(EcCsrFastPath.TryRead(await OpenSslCsrAsync("ec:P-521", "DNS:p521.bench-castellan.com")));
    }

    [Fact]
    public void Trailing_bytes_after_the_request_are_not_accepted()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = new CertificateRequest("CN=x.bench-castellan.com", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        Assert.NotNull(EcCsrFastPath.TryRead(der));
        Assert.Null(EcCsrFastPath.TryRead([.. der, 0x00]));
    }

    private static CertificateRequest LoadSigningRequest(byte[] der) =>
        CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);

    private static async Task<byte[]> OpenSslCsrAsync(string keyAlg, string? sans)
    {
        var dir = Directory.CreateTempSubdirectory("castellan-csr-").FullName;
        var parts = keyAlg.Split(':');
        var gen = parts[0] == "rsa"
            ? new[] { "genpkey", "-algorithm", "RSA", "-pkeyopt", $"rsa_keygen_bits:{parts[1]}", "-out", "key.pem" }
            : ["genpkey", "-algorithm", "EC", "-pkeyopt", $"ec_paramgen_curve:{parts[1]}", "-out", "key.pem"];
        await RunAsync(dir, gen);
        var req = new List<string> { "req", "-new", "-key", "key.pem", "-subj", "/CN=www.bench-castellan.com/O=Bench", "-outform", "DER", "-out", "req.der" };
        if (sans is not null) req.AddRange(["-addext", "subjectAltName=" + sans]);
        await RunAsync(dir, [.. req]);
        return await File.ReadAllBytesAsync(Path.Combine(dir, "req.der"));
    }

    private static async Task RunAsync(string dir, string[] args)
    {
        var psi = new ProcessStartInfo("openssl") { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"openssl {string.Join(' ', args)}: {err}");
    }
}
