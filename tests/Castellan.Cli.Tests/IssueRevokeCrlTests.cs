using Castellan.Cli.Tests.Support;
using Castellan.IntegrationTests.Support;

namespace Castellan.Cli.Tests;

/// <summary><c>castellan issue</c>, <c>revoke</c> and <c>crl</c>; openssl judges the results.</summary>
public sealed class IssueRevokeCrlTests(Installation install) : IClassFixture<Installation>
{
    [Fact]
    public async Task Issued_certificate_verifies_with_openssl()
    {
        var (leaf, serial) = await install.IssueAsync("www.example.com");

        var verify = await Tools.OpenSslAsync("verify", "-CAfile", install.RootPem, "-untrusted", install.IssuingPem, "-purpose", "sslserver", leaf);
        Assert.True(verify.ExitCode == 0, verify.All);
        Assert.Contains($"{leaf}: OK", verify.StdOut);
        Assert.Equal(32, serial.Length);
    }

    [Fact]
    public async Task Issue_takes_sans_subject_and_days_from_the_command_line()
    {
        var csr = await install.NewCsrAsync("csr.example.com");
        var leaf = Path.Combine(install.Work, "overridden.pem");
        await install.SucceedAsync("issue", "--profile", "tls-server", "--csr", csr, "--san", "dns:api.example.com", "--san", "dns:www.api.example.com",
            "--subject", "CN=api.example.com", "--days", "30", "--out", leaf);

        var text = await Tools.OpenSslAsync("x509", "-in", leaf, "-noout", "-subject", "-ext", "subjectAltName", "-startdate", "-enddate");
        Assert.Contains("subject=CN = api.example.com", text.StdOut);
        Assert.Contains("DNS:api.example.com, DNS:www.api.example.com", text.StdOut);
        Assert.DoesNotContain("csr.example.com", text.StdOut);
        var x509 = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(leaf));
        Assert.Equal(30, Math.Round((x509.NotAfter - x509.NotBefore).TotalDays));
    }

    [Fact]
    public async Task Issue_without_out_writes_pem_with_chain_to_stdout()
    {
        var csr = await install.NewCsrAsync("stdout.example.com");
        var issued = await install.SucceedAsync("issue", "--profile", "tls-server", "--csr", csr, "--with-chain");
        var blocks = Tools.SplitPem(issued.StdOut);
        Assert.Equal(3, blocks.Count);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", issued.StdOut);
        Assert.Equal("", issued.StdErr);
    }

    [Fact]
    public async Task Revoked_serial_appears_in_the_published_crl()
    {
        var (leaf, serial) = await install.IssueAsync("revoked.example.com");
        var revoke = await install.SucceedAsync("revoke", serial, "--reason", "keyCompromise");
        Assert.Contains($"revoked {serial} (keyCompromise)", revoke.StdOut);

        var crl = Path.Combine(install.Work, "issuing-1.crl.pem");
        var published = await install.SucceedAsync("crl", "--ca", "issuing-1", "--out", crl);
        Assert.Matches(@"published CRL \d+ of CA 'issuing-1' with [1-9]\d* entries", published.StdOut);

        var text = await Tools.OpenSslAsync("crl", "-in", crl, "-noout", "-text");
        Assert.Contains($"Serial Number: {serial.ToUpperInvariant()}", text.StdOut);
        Assert.Contains("Key Compromise", text.StdOut);
        var signature = await Tools.OpenSslAsync("crl", "-in", crl, "-CAfile", install.IssuingPem, "-noout");
        Assert.Contains("verify OK", signature.All);
        var check = await Tools.OpenSslAsync("verify", "-crl_check", "-CAfile", install.RootPem, "-untrusted", install.IssuingPem, "-CRLfile", crl, leaf);
        Assert.NotEqual(0, check.ExitCode);
        Assert.Contains("certificate revoked", check.All);
    }

    [Fact]
    public async Task Crl_der_output_parses_as_der()
    {
        var crl = Path.Combine(install.Work, "issuing-1.crl");
        await install.SucceedAsync("crl", "--ca", "issuing-1", "--der", "--out", crl);
        Assert.Equal(0x30, File.ReadAllBytes(crl)[0]);
        var text = await Tools.OpenSslAsync("crl", "-inform", "DER", "-in", crl, "-noout", "-issuer");
        Assert.Contains("CN = Castellan Issuing CA 1", text.StdOut);
    }
}
