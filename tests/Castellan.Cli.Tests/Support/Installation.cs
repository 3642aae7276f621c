using Castellan.IntegrationTests.Support;

namespace Castellan.Cli.Tests.Support;

/// <summary>
/// A data directory initialised by a real <c>castellan init</c>, one per test class: CLI processes of one class run one
/// after another, so no two of them write the same SQLite file at once.
/// </summary>
public sealed class Installation : IAsyncLifetime
{
    public string DataDirectory { get; } = Path.Combine(TestPaths.NewDirectory("cli"), "data");
    public string Work { get; } = TestPaths.NewDirectory("cli-work");
    public Tools.Output Init { get; private set; } = null!;

    /// <summary>PEM files of the two CAs that init created.</summary>
    public string RootPem => Path.Combine(Work, "root.pem");
    public string IssuingPem => Path.Combine(Work, "issuing-1.pem");

    public async Task InitializeAsync()
    {
        Init = await CastellanCli.SucceedAsync("init", "--data", DataDirectory);
        await CastellanCli.SucceedAsync("ca", "export", "root", "--data", DataDirectory, "--out", RootPem);
        await CastellanCli.SucceedAsync("ca", "export", "issuing-1", "--data", DataDirectory, "--out", IssuingPem);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public Task<Tools.Output> RunAsync(params string[] args) => CastellanCli.RunAsync([.. args, "--data", DataDirectory]);

    public Task<Tools.Output> SucceedAsync(params string[] args) => CastellanCli.SucceedAsync([.. args, "--data", DataDirectory]);

    /// <summary>A fresh P-256 key and CSR made by openssl; returns the CSR path.</summary>
    public async Task<string> NewCsrAsync(string commonName, string? san = null)
    {
        var dir = Path.Combine(Work, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return await Tools.NewCsrAsync(dir, "ec:P-256", $"/CN={commonName}", san ?? $"DNS:{commonName}");
    }

    /// <summary>Issues through the CLI and returns the certificate path and its serial (hex, lower case).</summary>
    public async Task<(string Path, string Serial)> IssueAsync(string commonName, params string[] extra)
    {
        var csr = await NewCsrAsync(commonName);
        var leaf = Path.Combine(Path.GetDirectoryName(csr)!, "leaf.pem");
        await SucceedAsync(["issue", "--profile", "tls-server", "--csr", csr, "--out", leaf, .. extra]);
        var serial = await Tools.OpenSslAsync("x509", "-in", leaf, "-noout", "-serial");
        return (leaf, serial.StdOut.Trim()["serial=".Length..].ToLowerInvariant());
    }
}
