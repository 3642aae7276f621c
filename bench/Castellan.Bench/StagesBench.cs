using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Encoding;
using Castellan.Authority.Issuance;
using Castellan.Authority.Linting;
using Castellan.Authority.Profiles;

namespace Castellan.Bench;

/// <summary>
/// CPU cost of each issuance step, in-process on one thread (Castellan.Bench stages): where the time of one
/// certificate goes before any HTTP or database cost. Used to find the hot path, not to compare with peers.
/// </summary>
internal static class StagesBench
{
    public static void Run(Figures figures, int count)
    {
        var csrs = Csrs.Generate(count);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caName = new X500DistinguishedName("CN=Castellan stages bench CA");
        var caRequest = new CertificateRequest(caName, caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        var caSki = new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false);
        caRequest.CertificateExtensions.Add(caSki);
        using var caCert = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        // As the server's software key store opens it: RFC 6979 nonces. .NET's own signer (random k) is timed beside it.
        var key = new CaSigningKey(KeyAlgorithm.EcP256, Castellan.Authority.KeyStores.Software.DeterministicEcdsa.TryCreate(caKey)
            ?? throw new InvalidOperationException("the RFC 6979 signer is unavailable here (libcrypto 3 on Linux)"), signsDeterministically: true);
        var randomK = new CaSigningKey(KeyAlgorithm.EcP256, X509SignatureGenerator.CreateForECDsa(caKey), signsDeterministically: false);
        var record = new CertificateAuthorityRecord
        {
            Id = "issuing-1", Name = "bench", Kind = CaKind.Intermediate, SubjectDn = caName.Name, KeyAlgorithm = KeyAlgorithm.EcP256,
            Key = new KeyReference("software", "bench"), CertificateDer = caCert.RawData, Status = CaStatus.Active, CreatedAt = DateTimeOffset.UtcNow,
        };
        var issuer = new IssuerContext(record, caName, caSki.SubjectKeyIdentifierBytes.ToArray(), key) { Certificate = caCert };
        var linter = new CertificateLinter(TimeProvider.System);
        var urls = new PublicationUrls("http://127.0.0.1:8080");
        var profile = BuiltInProfiles.All.First(p => p.Id == "tls-server");

        var parsed = new ParsedCsr[count];
        var tbs = new byte[count][];
        var times = new Dictionary<string, double>();
        void Time(string name, Action<int> step)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++) step(i);
            times[name] = clock.Elapsed.TotalMilliseconds * 1000 / count;
        }
        for (var round = 0; round < 2; round++) // the first round warms the JIT
        {
            Time("1. read and verify the CSR", i => parsed[i] = CsrReader.Read(csrs[i]).Value);
            Time("2. build the TBSCertificate", i => tbs[i] = TbsBuilder.Build(new CertificateTemplate
            {
                Serial = SerialNumber.NewRandom(), Subject = parsed[i].Subject, PublicKey = parsed[i].PublicKey, Sans = parsed[i].RequestedSans,
                NotBefore = DateTimeOffset.UtcNow.AddMinutes(-1), NotAfter = DateTimeOffset.UtcNow.AddDays(90), Profile = profile,
            }, issuer, urls));
            Time("3. lint", i =>
            {
                if (linter.Check(tbs[i], key.SignatureAlgorithmIdentifier, profile, false) is { } f) throw new InvalidOperationException(f.ToString());
            });
            Time("4. sign (RFC 6979) and assemble", i => ExtensionEncoder.AssembleSigned(tbs[i], key.SignatureAlgorithmIdentifier.Span, key.Sign(tbs[i])));
            Time("(4 with .NET's ECDsa, random k)", i => ExtensionEncoder.AssembleSigned(tbs[i], randomK.SignatureAlgorithmIdentifier.Span, randomK.Sign(tbs[i])));
        }
        var comparison = times["(4 with .NET's ECDsa, random k)"];
        times.Remove("(4 with .NET's ECDsa, random k)");
        figures.Add("issuance step (1 thread)", "4 with .NET's ECDsa (random k)", $"{Figures.F(comparison)} µs",
            $"RFC 6979 signing costs {times["4. sign (RFC 6979) and assemble"] / comparison:F2}× this, same run");
        foreach (var (name, us) in times) figures.Add("issuance step (1 thread)", name, $"{Figures.F(us)} µs", $"{Figures.F(1e6 / us)}/s per core");
        var total = times.Values.Sum();
        figures.Add("issuance step (1 thread)", "steps 1-4 together", $"{Figures.F(total)} µs", $"{Figures.F(1e6 / total)}/s per core, before HTTP, JSON and storage");
    }
}
