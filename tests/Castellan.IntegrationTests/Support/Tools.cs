using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Castellan.IntegrationTests.Support;

/// <summary>Runs the real command-line peers (openssl, certtool, curl) and returns what they printed.</summary>
public static class Tools
{
    public sealed record Output(int ExitCode, string StdOut, string StdErr)
    {
        public string All => StdOut + StdErr;
    }

    public static async Task<Output> RunAsync(string file, IEnumerable<string> args, string? workingDirectory = null, IDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }
        return new Output(process.ExitCode, await stdout, await stderr);
    }

    public static Task<Output> OpenSslAsync(params string[] args) => RunAsync("openssl", args);

    /// <summary>A PEM CSR for a fresh P-256 key with CN and one DNS SAN of <paramref name="dnsName"/>, made in process
    /// (the tests that only need a valid request; <see cref="NewCsrAsync"/> makes one with openssl).</summary>
    public static string P256CsrPem(string dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSigningRequestPem();
    }

    /// <summary>Creates key.pem and req.csr in <paramref name="dir"/> with openssl; keyAlg "ec:P-256", "ec:P-384", "rsa:2048" …</summary>
    public static async Task<string> NewCsrAsync(string dir, string keyAlg, string subject, string? sanExt)
    {
        var key = Path.Combine(dir, "key.pem");
        var csr = Path.Combine(dir, "req.csr");
        var parts = keyAlg.Split(':');
        var genArgs = parts[0] == "rsa"
            ? new[] { "genpkey", "-algorithm", "RSA", "-pkeyopt", $"rsa_keygen_bits:{parts[1]}", "-out", key }
            : parts[0] == "ed25519" ? new[] { "genpkey", "-algorithm", "ED25519", "-out", key }
            : ["genpkey", "-algorithm", "EC", "-pkeyopt", $"ec_paramgen_curve:{parts[1]}", "-out", key];
        var gen = await OpenSslAsync(genArgs);
        if (gen.ExitCode != 0) throw new InvalidOperationException(gen.All);
        var reqArgs = new List<string> { "req", "-new", "-key", key, "-subj", subject, "-out", csr };
        if (sanExt is not null) { reqArgs.Add("-addext"); reqArgs.Add($"subjectAltName={sanExt}"); }
        var req = await OpenSslAsync([.. reqArgs]);
        if (req.ExitCode != 0) throw new InvalidOperationException(req.All);
        return csr;
    }

    public static List<string> SplitPem(string pem)
    {
        var list = new List<string>();
        var start = 0;
        while ((start = pem.IndexOf("-----BEGIN", start, StringComparison.Ordinal)) >= 0)
        {
            var end = pem.IndexOf("-----END", start, StringComparison.Ordinal);
            end = pem.IndexOf("-----", end + 8, StringComparison.Ordinal) + 5;
            list.Add(pem[start..end] + "\n");
            start = end;
        }
        return list;
    }
}

/// <summary>Checks issued certificates with openssl, the way a relying party would.</summary>
public static class CertificateChecks
{
    /// <summary><c>openssl verify -CAfile root -untrusted chain leaf</c> (chain may hold the leaf too); returns openssl's output,
    /// which ends in ": OK" only when the leaf chains to the root with every signature and validity period right.</summary>
    public static async Task<Tools.Output> VerifyAsync(string rootFile, string chainFile, string leafFile) =>
        await Tools.OpenSslAsync("verify", "-CAfile", rootFile, "-untrusted", chainFile, leafFile);

    /// <summary>The certificate's serial number as lowercase hex without leading zero octets' padding changes (openssl's form).</summary>
    public static async Task<string> SerialAsync(string certFile)
    {
        var r = await Tools.OpenSslAsync("x509", "-noout", "-serial", "-in", certFile);
        if (r.ExitCode != 0) throw new InvalidOperationException(r.All);
        return r.StdOut.Trim().Split('=', 2)[1].ToLowerInvariant();
    }

    /// <summary>Subject alternative names as openssl prints them ("DNS:www.example.test, IP Address:127.0.0.1").</summary>
    public static async Task<string> SubjectAltNamesAsync(string certFile) =>
        (await Tools.OpenSslAsync("x509", "-noout", "-ext", "subjectAltName", "-in", certFile)).StdOut;
}
