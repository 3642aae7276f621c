using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Castellan.Cli;

/// <summary>Reading the files an operator names, and writing results to --out or stdout.</summary>
internal static class Files
{
    /// <summary>Inputs here are CSRs and certificates: a few KiB. The cap keeps a wrong path (a disk image) from being slurped.</summary>
    private const long MaxInputBytes = 1024 * 1024;

    /// <summary>Reads an input file; a missing or unreadable file is a usage error (exit 2).</summary>
    public static byte[] Read(string path, string what)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new UsageException($"{what} file '{path}' does not exist");
            if (info.Length > MaxInputBytes) throw new UsageException($"{what} file '{path}' is larger than {MaxInputBytes / 1024} KiB");
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {what} file '{path}': {e.Message}");
        }
    }

    /// <summary>The first certificate in a PEM or DER file.</summary>
    public static X509Certificate2 ReadCertificate(string path, string what)
    {
        var bytes = Read(path, what);
        try
        {
            var text = System.Text.Encoding.ASCII.GetString(bytes);
            return text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(text)
                : X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (CryptographicException)
        {
            throw new UsageException($"{what} file '{path}' does not hold an X.509 certificate (PEM or DER)");
        }
    }

    /// <summary>Writes to <paramref name="path"/>, or to stdout when it is null or "-".</summary>
    public static async Task WriteAsync(string? path, byte[] content, CancellationToken ct)
    {
        if (path is null or "-")
        {
            await using var stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(content, ct);
            await stdout.FlushAsync(ct);
            return;
        }
        try
        {
            await File.WriteAllBytesAsync(path, content, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write '{path}': {e.Message}");
        }
    }

    public static Task WriteAsync(string? path, string content, CancellationToken ct) => WriteAsync(path, System.Text.Encoding.ASCII.GetBytes(content), ct);

    /// <summary>Where the result went, for the confirmation line; stdout results get no confirmation, to keep pipes clean.</summary>
    public static bool ToFile(string? path) => path is not (null or "-");

    public static string Pem(string label, byte[] der) => PemEncoding.WriteString(label, der) + "\n";
}
