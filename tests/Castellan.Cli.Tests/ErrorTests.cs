using Castellan.Cli.Tests.Support;

namespace Castellan.Cli.Tests;

/// <summary>
/// Bad input gives one readable line on stderr, nothing on stdout, no stack trace, and the documented exit code:
/// 2 when the command line is wrong, 1 when the CA refuses.
/// </summary>
public sealed class ErrorTests(Installation install) : IClassFixture<Installation>
{
    public static TheoryData<string, string[], int, string> Cases => new()
    {
        { "unknown profile", ["issue", "--profile", "no-such-profile", "--csr", "{csr}"], 1, "castellan: error: profile 'no-such-profile' does not exist" },
        { "missing CSR file", ["issue", "--profile", "tls-server", "--csr", "{work}/absent.csr"], 2, "castellan: error: CSR file '{work}/absent.csr' does not exist" },
        { "malformed CSR", ["issue", "--profile", "tls-server", "--csr", "{bad-csr}"], 1, "castellan: error: the CSR PEM is truncated or malformed" },
        { "unknown serial", ["revoke", "7fffffffffffffffffffffffffffffff"], 1, "castellan: error: certificate 7fffffffffffffffffffffffffffffff does not exist" },
        { "bad reason", ["revoke", "7fffffffffffffffffffffffffffffff", "--reason", "boredom"], 2, "castellan: error: unknown revocation reason 'boredom' (unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, privilegeWithdrawn, aACompromise)" },
        { "serial not hex", ["revoke", "not-a-serial"], 2, "castellan: error: 'not-a-serial' is not a hexadecimal serial number" },
        { "unknown CA for CRL", ["crl", "--ca", "nope"], 1, "castellan: error: CA 'nope' does not exist" },
        { "unknown key algorithm", ["ca", "create", "x", "--subject", "CN=x", "--key", "dsa-1024"], 2, "castellan: error: unknown key algorithm 'dsa-1024' (ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096)" },
        { "missing required option", ["issue", "--csr", "{csr}"], 2, "castellan: error: Option '--profile' is required." },
        { "unknown option", ["revoke", "01", "--frobnicate"], 2, "castellan: error: Unrecognized command or argument '--frobnicate'." },
        { "days not a number", ["issue", "--profile", "tls-server", "--csr", "{csr}", "--days", "soon"], 2, "castellan: error: Cannot parse argument 'soon' for option '--days' as expected type 'System.Nullable`1[System.Int32]'." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gives_one_line_and_the_documented_exit_code(string why, string[] args, int exitCode, string message)
    {
        var csr = await install.NewCsrAsync("errors.example.com");
        var badCsr = Path.Combine(install.Work, "bad.csr");
        await File.WriteAllTextAsync(badCsr, "-----BEGIN CERTIFICATE REQUEST-----\nnot base64 at all!\n-----END CERTIFICATE REQUEST-----\n");
        string Expand(string s) => s.Replace("{csr}", csr).Replace("{bad-csr}", badCsr).Replace("{work}", install.Work);

        var result = await install.RunAsync([.. args.Select(Expand)]);

        Assert.True(exitCode == result.ExitCode, $"{why}: wanted exit {exitCode}, got {result.ExitCode}: {result.All}");
        Assert.Equal(Expand(message), result.StdErr.TrimEnd());
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public async Task No_command_is_a_usage_error()
    {
        var result = await CastellanCli.RunAsync();
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("castellan: error: Required command was not provided.", result.StdErr.TrimEnd());
    }

    [Fact]
    public async Task A_data_directory_without_an_installation_is_refused_and_left_alone()
    {
        var empty = Path.Combine(install.Work, "never-initialised");
        var result = await CastellanCli.RunAsync("issue", "--profile", "tls-server", "--csr", await install.NewCsrAsync("x.example.com"), "--data", empty);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"castellan: error: no CA hierarchy in '{empty}'; run 'castellan init --data {empty}' first", result.StdErr.TrimEnd());
        Assert.False(Directory.Exists(empty), "a typo in --data must not create a directory");
    }

    [Fact]
    public async Task An_unreachable_database_is_one_line_without_a_stack_trace()
    {
        var env = new Dictionary<string, string>
        {
            ["Castellan__Storage__Provider"] = "postgres",
            ["Castellan__Storage__ConnectionString"] = $"Host=127.0.0.1;Port={FreePort.Next()};Username=nobody;Timeout=3",
        };
        var result = await CastellanCli.RunAsync(["ca", "list", "--data", Path.Combine(install.Work, "pg-unreachable")], env);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("castellan: error: ", result.StdErr);
        Assert.Single(result.StdErr.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", result.StdErr);
    }
}
