using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Castellan.Bench;

/// <summary>P-256 CSRs made before any clock starts, so the drivers measure the CA and not the subscriber.</summary>
internal static class Csrs
{
    public static IReadOnlyList<string> Generate(int count)
    {
        var list = new string[count];
        Parallel.For(0, count, i =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var name = $"h{i}.bench-castellan.com";
            var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName(name);
            request.CertificateExtensions.Add(san.Build());
            list[i] = request.CreateSigningRequestPem();
        });
        return list;
    }

    /// <summary>The SubjectPublicKeyInfo of a CSR, to check that a returned certificate carries the requested key.</summary>
    public static byte[] PublicKeyOf(string csrPem) =>
        CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256).PublicKey.ExportSubjectPublicKeyInfo();
}
