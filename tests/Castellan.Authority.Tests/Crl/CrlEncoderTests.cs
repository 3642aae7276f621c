using System.Diagnostics;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Crl;
using Castellan.Authority.Encoding;

namespace Castellan.Authority.Tests.Crl;

/// <summary>The hand-encoded CRL reads back through .NET's CertificateRevocationListBuilder and through `openssl crl`.</summary>
public sealed class CrlEncoderTests : IDisposable
{
    private static readonly DateTimeOffset ThisUpdate = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;
    private readonly byte[] _ski;
    private readonly string _dir = Directory.CreateTempSubdirectory("castellan-crl-").FullName;

    public CrlEncoderTests()
    {
        var request = new CertificateRequest("CN=CRL Test CA,O=Castellan", _key, HashAlgorithmName.SHA256);
        var ski = new X509SubjectKeyIdentifierExtension(request.PublicKey, false);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(ski);
        _ca = request.CreateSelfSigned(ThisUpdate.AddYears(-1), ThisUpdate.AddYears(30));
        _ski = ski.SubjectKeyIdentifierBytes.ToArray();
    }

    public void Dispose()
    {
        _ca.Dispose();
        _key.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private byte[] Crl(IReadOnlyCollection<RevokedEntry> entries, long number, DateTimeOffset thisUpdate)
    {
        var generator = X509SignatureGenerator.CreateForECDsa(_key);
        var algorithm = generator.GetSignatureAlgorithmIdentifier(HashAlgorithmName.SHA256);
        var tbs = CrlEncoder.EncodeTbs(algorithm, _ca.SubjectName.RawData, thisUpdate, thisUpdate.AddDays(1), entries, number, _ski);
        return ExtensionEncoder.AssembleSigned(tbs, algorithm, generator.SignData(tbs, HashAlgorithmName.SHA256));
    }

    private static RevokedEntry Entry(RevocationReason reason, int minutesAgo = 5) =>
        new(SerialNumber.NewRandom(), ThisUpdate.AddMinutes(-minutesAgo), reason);

    [Fact]
    public void Crl_round_trips_through_CertificateRevocationListBuilder()
    {
        var entries = new[] { Entry(RevocationReason.KeyCompromise), Entry(RevocationReason.Unspecified), Entry(RevocationReason.CertificateHold), Entry(RevocationReason.AaCompromise) };
        var der = Crl(entries, 42, ThisUpdate);

        var builder = CertificateRevocationListBuilder.Load(der, out BigInteger number);

        Assert.Equal(new BigInteger(42), number);
        foreach (var e in entries) Assert.True(builder.RemoveEntry(e.Serial.ToBytes()), $"serial {e.Serial} is not in the CRL");
        Assert.False(builder.RemoveEntry(SerialNumber.NewRandom().ToBytes()));
    }

    [Fact]
    public async Task Openssl_verifies_the_signature_and_reads_every_field()
    {
        var keyCompromise = Entry(RevocationReason.KeyCompromise);
        var unspecified = Entry(RevocationReason.Unspecified);
        var hold = Entry(RevocationReason.CertificateHold);
        var crl = Path.Combine(_dir, "test.crl");
        var ca = Path.Combine(_dir, "ca.pem");
        await File.WriteAllBytesAsync(crl, Crl([keyCompromise, unspecified, hold], 7, ThisUpdate));
        await File.WriteAllTextAsync(ca, _ca.ExportCertificatePem());

        var verify = await OpensslAsync("crl", "-inform", "DER", "-in", crl, "-CAfile", ca, "-noout");
        Assert.Contains("verify OK", verify);

        var text = await OpensslAsync("crl", "-inform", "DER", "-in", crl, "-noout", "-text");
        Assert.Contains("Version 2 (0x1)", text);
        Assert.Matches(@"Issuer: .*CN = CRL Test CA", text);
        Assert.Matches(@"Issuer: .*O = Castellan", text);
        Assert.Contains("Last Update: Nov 22 12:00:00 2026 GMT", text);
        Assert.Contains("Next Update: Nov 23 12:00:00 2026 GMT", text);
        Assert.Matches(@"X509v3 CRL Number:\s+7\b", text);
        Assert.Contains("X509v3 Authority Key Identifier", text);
        Assert.Contains(Convert.ToHexString(_ski), text.Replace(":", "", StringComparison.Ordinal));
        foreach (var e in new[] { keyCompromise, unspecified, hold })
            Assert.Contains($"Serial Number: {e.Serial.Hex.ToUpperInvariant()}", text);
        Assert.Contains("Key Compromise", text);
        Assert.Contains("Certificate Hold", text);
        // RFC 5280 5.3.1: reasonCode unspecified is left out rather than written.
        Assert.Equal(2, text.Split("X509v3 CRL Reason Code").Length - 1);
    }

    [Fact]
    public async Task Empty_crl_omits_revokedCertificates_and_still_verifies()
    {
        var der = Crl([], 1, ThisUpdate);
        CertificateRevocationListBuilder.Load(der, out BigInteger number);
        Assert.Equal(BigInteger.One, number);

        var crl = Path.Combine(_dir, "empty.crl");
        var ca = Path.Combine(_dir, "ca.pem");
        await File.WriteAllBytesAsync(crl, der);
        await File.WriteAllTextAsync(ca, _ca.ExportCertificatePem());
        Assert.Contains("verify OK", await OpensslAsync("crl", "-inform", "DER", "-in", crl, "-CAfile", ca, "-noout"));
        Assert.Contains("No Revoked Certificates", await OpensslAsync("crl", "-inform", "DER", "-in", crl, "-noout", "-text"));
    }

    [Fact]
    public async Task Times_from_2050_are_written_as_GeneralizedTime()
    {
        var late = new DateTimeOffset(2051, 6, 1, 8, 30, 15, TimeSpan.Zero);
        var entry = new RevokedEntry(SerialNumber.NewRandom(), late.AddHours(-1), RevocationReason.Superseded);
        var der = Crl([entry], long.MaxValue, late);

        var builder = CertificateRevocationListBuilder.Load(der, out BigInteger number);
        Assert.Equal(new BigInteger(long.MaxValue), number);
        Assert.True(builder.RemoveEntry(entry.Serial.ToBytes()));

        var crl = Path.Combine(_dir, "late.crl");
        await File.WriteAllBytesAsync(crl, der);
        var parsed = await OpensslAsync("asn1parse", "-inform", "DER", "-in", crl);
        Assert.Contains("GENERALIZEDTIME   :20510601083015Z", parsed);
        Assert.Contains("GENERALIZEDTIME   :20510601073015Z", parsed);
        Assert.DoesNotContain("UTCTIME", parsed);
    }

    [Fact]
    public void Ten_thousand_entries_encode_and_load()
    {
        var entries = Enumerable.Range(0, 10_000).Select(i => Entry((RevocationReason)(i % 6), i)).ToList();
        var der = Crl(entries, 3, ThisUpdate);
        Assert.InRange(der.Length, 10_000 * 30, 10_000 * 60); // about 45 bytes an entry, as the encoder promises
        var builder = CertificateRevocationListBuilder.Load(der, out _);
        foreach (var e in entries.Where((_, i) => i % 997 == 0)) Assert.True(builder.RemoveEntry(e.Serial.ToBytes()));
    }

    private static async Task<string> OpensslAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        var all = await stdout + await stderr;
        Assert.True(p.ExitCode == 0, $"openssl {string.Join(' ', args)} failed: {all}");
        return all;
    }
}
