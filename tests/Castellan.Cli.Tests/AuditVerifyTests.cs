using System.Globalization;
using Castellan.Auditing;
using Castellan.Cli.Tests.Support;
using Castellan.IntegrationTests.Support;

namespace Castellan.Cli.Tests;

/// <summary>
/// <c>castellan audit verify</c> passes on an untouched log and finds each kind of tampering done to the SQLite file
/// behind Castellan's back with the sqlite3 command-line tool.
/// </summary>
public sealed class AuditVerifyTests(Installation install) : IClassFixture<Installation>
{
    [Fact]
    public async Task Audit_verify_passes_on_an_untouched_log()
    {
        await install.IssueAsync("audited.example.com");
        var count = long.Parse(await SqlAsync(install.DataDirectory, "SELECT COUNT(*) FROM audit_log;"), CultureInfo.InvariantCulture);
        Assert.True(count >= 5, $"expected init and issuance to have written audit entries, found {count}");

        var verify = await install.RunAsync("audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.All);
        Assert.Equal($"audit log intact: {count} entries", verify.StdOut.Trim());
        Assert.Equal("", verify.StdErr);
    }

    [Fact]
    public async Task Changing_a_field_is_found()
    {
        var data = await CopyOfLogAsync();
        await SqlAsync(data, "UPDATE audit_log SET Actor = 'cli:mallory' WHERE Sequence = 3;");

        await AssertBrokenAsync(data, "castellan: error: audit log broken at entry 3: entry 3 was changed after it was written (2 entries before it verified)");
    }

    [Fact]
    public async Task Deleting_a_row_is_found()
    {
        var data = await CopyOfLogAsync();
        await SqlAsync(data, "DELETE FROM audit_log WHERE Sequence = 3;");

        await AssertBrokenAsync(data, "castellan: error: audit log broken at entry 4: entry 3 is missing (found 4 next) (2 entries before it verified)");
    }

    [Fact]
    public async Task Inserting_a_row_is_found_even_when_its_own_hash_is_correct()
    {
        var data = await CopyOfLogAsync();
        // Make room at 3, then forge an entry there whose hash is right and which chains to entry 2: the forger knows
        // the algorithm. What gives it away is entry 4 (the old 3), which still chains to the old entry 2->3 link.
        var previous = (await SqlAsync(data, "SELECT Hash || '|' || At FROM audit_log WHERE Sequence = 2;")).Split('|');
        var at = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(previous[1], CultureInfo.InvariantCulture) + 1);
        var hash = AuditChain.ComputeHash(3, at, "cli:mallory", "certificate.revoked", "certificate:01", "{}", null, previous[0]);
        await SqlAsync(data,
            "UPDATE audit_log SET Sequence = Sequence + 100000 WHERE Sequence >= 3; UPDATE audit_log SET Sequence = Sequence - 99999 WHERE Sequence > 100000; " +
            "INSERT INTO audit_log (Sequence, At, Actor, Action, Target, DetailsJson, SourceAddress, PreviousHash, Hash) " +
            $"VALUES (3, {at.ToUnixTimeMilliseconds()}, 'cli:mallory', 'certificate.revoked', 'certificate:01', '{{}}', NULL, '{previous[0]}', '{hash}');");

        await AssertBrokenAsync(data, "castellan: error: audit log broken at entry 4: entry 4 does not chain to entry 3 (3 entries before it verified)");
    }

    private static async Task AssertBrokenAsync(string data, string expectedError)
    {
        var verify = await CastellanCli.RunAsync("audit", "verify", "--data", data);
        Assert.Equal(1, verify.ExitCode);
        Assert.Equal(expectedError, verify.StdErr.TrimEnd());
        Assert.Equal("", verify.StdOut);
    }

    /// <summary>A copy of the installation's data directory (database, WAL, keys), so each case tampers with its own.</summary>
    private async Task<string> CopyOfLogAsync()
    {
        await install.IssueAsync($"copy-{Guid.NewGuid():N}.example.com");
        var copy = Path.Combine(TestPaths.NewDirectory("audit"), "data");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(install.DataDirectory)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        var intact = await CastellanCli.RunAsync("audit", "verify", "--data", copy);
        Assert.True(intact.ExitCode == 0, "the copy should verify before tampering: " + intact.All);
        return copy;
    }

    private static async Task<string> SqlAsync(string data, string sql)
    {
        var result = await Tools.RunAsync("sqlite3", [Path.Combine(data, "castellan.db"), sql]);
        Assert.True(result.ExitCode == 0, $"sqlite3 failed: {result.All}");
        return result.StdOut.Trim();
    }
}
