using Castellan.Cli.Tests.Support;
using Castellan.IntegrationTests.Support;
using Npgsql;

namespace Castellan.Cli.Tests;

/// <summary>The local commands read the server's configuration keys from the environment: here, PostgreSQL storage.</summary>
public sealed class PostgresTests
{
    [Fact]
    public async Task Init_issue_and_audit_verify_work_on_postgres_from_environment_variables()
    {
        var env = new Dictionary<string, string>
        {
            ["Castellan__Storage__Provider"] = "postgres",
            ["Castellan__Storage__ConnectionString"] = await CreateDatabaseAsync(),
        };
        var data = Path.Combine(TestPaths.NewDirectory("cli-pg"), "data");
        Task<Tools.Output> Run(params string[] args) => CastellanCli.RunAsync([.. args, "--data", data], env);

        var init = await Run("init");
        Assert.True(init.ExitCode == 0, init.All);
        Assert.Contains("issuing-1", init.StdOut);
        Assert.False(File.Exists(Path.Combine(data, "castellan.db")), "nothing may be written to SQLite when PostgreSQL is configured");

        var dir = TestPaths.NewDirectory("cli-pg-csr");
        var csr = await Tools.NewCsrAsync(dir, "ec:P-256", "/CN=pg.example.com", "DNS:pg.example.com");
        var issued = await Run("issue", "--profile", "tls-server", "--csr", csr, "--out", Path.Combine(dir, "leaf.pem"));
        Assert.True(issued.ExitCode == 0, issued.All);

        var verify = await Run("audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.All);
        Assert.Matches(@"^audit log intact: \d+ entries$", verify.StdOut.Trim());

        // The same data directory without the environment finds no SQLite installation: the commands above really used PostgreSQL.
        var withoutEnv = await CastellanCli.RunAsync("ca", "list", "--data", data);
        Assert.Equal(1, withoutEnv.ExitCode);
    }

    private static async Task<string> CreateDatabaseAsync()
    {
        var server = Environment.GetEnvironmentVariable("CASTELLAN_TEST_POSTGRES")
            ?? throw new InvalidOperationException("CASTELLAN_TEST_POSTGRES is not set: run the tests with ./test.sh, which starts PostgreSQL");
        var name = "castellan_cli_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server + ";Database=postgres"))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return server + $";Database={name}";
    }
}
