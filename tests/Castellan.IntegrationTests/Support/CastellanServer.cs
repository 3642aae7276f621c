using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Castellan.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Npgsql;

namespace Castellan.IntegrationTests.Support;

/// <summary>
/// A real Castellan server on a free loopback port, with its own data directory and database, so real clients
/// (openssl, certtool, curl) can reach it. One per test class; SQLite or PostgreSQL as the subclass says.
/// </summary>
public abstract class CastellanServer : IAsyncLifetime
{
    public const string AdminKey = "cstl_test-admin-key-0123456789abcdef";

    private WebApplication? _app;

    public string DataDirectory { get; } = TestPaths.NewDirectory("server");
    public int Port { get; private set; } = FreePort.Next();
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public HttpClient Client { get; private set; } = null!;
    public HttpClient Anonymous { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    public abstract string StorageName { get; }

    protected abstract Task<IReadOnlyList<string>> StorageArgumentsAsync();

    /// <summary>Extra configuration arguments for subclasses (e.g. the PKCS#11 key store).</summary>
    protected virtual IReadOnlyList<string> ExtraArguments => [];

    /// <summary>Peers a subclass starts before the server (its arguments may name them), and stops after it.</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    protected virtual ValueTask AfterStopAsync() => ValueTask.CompletedTask;

    /// <summary>Extra host configuration for subclasses (e.g. a logging provider that captures every line).</summary>
    protected virtual void ConfigureHost(WebApplicationBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        await BeforeStartAsync();
        // A port found free can be taken by someone else before Kestrel binds it (other tests, outgoing connections
        // from the ephemeral range): then start again on another one. Arguments are rebuilt, since they name BaseUrl.
        for (var attempt = 1; ; attempt++)
        {
            var args = new List<string>
            {
                "--urls", BaseUrl, "--data", DataDirectory, "--Castellan:Bootstrap:AdminApiKey", AdminKey,
                "--Logging:LogLevel:Default", "Warning",
            };
            args.AddRange(await StorageArgumentsAsync());
            args.AddRange(ExtraArguments);
            _app = CastellanHost.Build([.. args], ConfigureHost);
            try
            {
                await _app.StartAsync();
                break;
            }
            catch (IOException e) when (attempt < 5 && e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                await _app.DisposeAsync();
                Port = FreePort.Next();
            }
        }
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        Anonymous = new HttpClient { BaseAddress = new Uri(BaseUrl) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        Anonymous?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await AfterStopAsync();
    }

    public T Get<T>() where T : notnull => (T)Services.GetService(typeof(T))!;

    /// <summary>Issues a certificate for a fresh key through the API; returns the parsed response and the key files.</summary>
    public async Task<IssuedFiles> IssueAsync(string profile, string subjectArgs, string? sanExt, string keyAlg = "ec:P-256", object? extra = null)
    {
        var dir = TestPaths.NewDirectory("issue");
        var csr = await Tools.NewCsrAsync(dir, keyAlg, subjectArgs, sanExt);
        var body = new Dictionary<string, object?> { ["profile"] = profile, ["csr"] = File.ReadAllText(csr) };
        if (extra is not null)
        {
            foreach (var p in JsonSerializer.SerializeToElement(extra).EnumerateObject()) body[p.Name] = p.Value;
        }
        using var response = await Client.PostAsJsonAsync("/api/v1/certificates", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"issuance failed: {(int)response.StatusCode} {json}");
        var leaf = Path.Combine(dir, "leaf.pem");
        var chain = Path.Combine(dir, "chain.pem");
        File.WriteAllText(leaf, json.GetProperty("certificatePem").GetString());
        File.WriteAllText(chain, json.GetProperty("chainPem").GetString());
        var certs = Tools.SplitPem(File.ReadAllText(chain));
        var issuer = Path.Combine(dir, "issuer.pem");
        var root = Path.Combine(dir, "root.pem");
        File.WriteAllText(issuer, certs[0]);
        File.WriteAllText(root, certs[^1]);
        return new IssuedFiles(json.GetProperty("serialNumber").GetString()!, dir, leaf, chain, issuer, root, Path.Combine(dir, "key.pem"));
    }
}

public sealed record IssuedFiles(string Serial, string Directory, string Leaf, string Chain, string Issuer, string Root, string Key);

public sealed class SqliteServer : CastellanServer
{
    public override string StorageName => "sqlite";

    protected override Task<IReadOnlyList<string>> StorageArgumentsAsync() => Task.FromResult<IReadOnlyList<string>>(["--Castellan:Storage:Provider", "sqlite"]);
}

public sealed class PostgresServer : CastellanServer
{
    public override string StorageName => "postgres";

    protected override async Task<IReadOnlyList<string>> StorageArgumentsAsync() =>
        ["--Castellan:Storage:Provider", "postgres", "--Castellan:Storage:ConnectionString", await TestDatabases.CreateAsync()];
}

/// <summary>Fresh PostgreSQL databases on the throwaway cluster that ./test.sh starts.</summary>
public static class TestDatabases
{
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("CASTELLAN_TEST_POSTGRES")
        ?? throw new InvalidOperationException("CASTELLAN_TEST_POSTGRES is not set: run the tests with ./test.sh, which starts PostgreSQL");

    public static async Task<string> CreateAsync()
    {
        var name = "castellan_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(ServerConnectionString + ";Database=postgres"))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return ServerConnectionString + $";Database={name}";
    }
}
