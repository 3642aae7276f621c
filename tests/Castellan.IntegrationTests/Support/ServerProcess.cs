using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Castellan.IntegrationTests.Support;

/// <summary>
/// A Castellan server in its own OS process (the built Castellan.Server.dll under `dotnet`), so a test can run
/// several nodes on one database and kill one with SIGKILL mid-flight.
/// </summary>
/// <summary>One software key folder and key-encryption secret shared by the nodes of a test cluster.</summary>
public sealed record SharedKeys(string Directory, string Secret)
{
    public static SharedKeys Create() =>
        new(TestPaths.NewDirectory("cluster-keys"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
}

public sealed class ServerProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly IReadOnlyList<string> _arguments;
    private readonly SharedKeys? _keys;
    private Process? _process;

    private ServerProcess(string dataDirectory, IReadOnlyList<string> storageArguments, SharedKeys? keys, IReadOnlyList<string> extraArguments)
    {
        DataDirectory = dataDirectory;
        StorageArguments = storageArguments;
        _keys = keys;
        Port = FreePort.Next();
        _arguments =
        [
            ServerDll, "--urls", BaseUrl, "--data", dataDirectory, "--Castellan:Bootstrap:AdminApiKey", CastellanServer.AdminKey,
            "--Castellan:Authority:PublicBaseUrl", BaseUrl, "--Logging:LogLevel:Default", "Warning", .. storageArguments, .. extraArguments,
            .. keys is null ? Array.Empty<string>() : ["--Castellan:KeyStore:Software:Directory", keys.Directory],
        ];
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CastellanServer.AdminKey);
    }

    public string DataDirectory { get; }
    public IReadOnlyList<string> StorageArguments { get; }
    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public HttpClient Client { get; }

    /// <summary>What the process printed, for failure messages (the admin key is supplied, so none is printed).</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>src/Castellan.Server/bin/CONFIG/net10.0/Castellan.Server.dll, found from the test assembly's folder.</summary>
    public static string ServerDll
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = testBin.Parent!.Name; // tests/X/bin/CONFIG/net10.0
            var root = testBin;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Castellan.slnx"))) root = root.Parent;
            if (root is null) throw new InvalidOperationException($"no Castellan.slnx above {AppContext.BaseDirectory}");
            var dll = Path.Combine(root.FullName, "src", "Castellan.Server", "bin", configuration, testBin.Name, "Castellan.Server.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build the solution (dotnet build Castellan.slnx -c {configuration})");
        }
    }

    /// <summary>Starts a node; call <see cref="WaitReadyAsync"/> before using it. Nodes of one cluster share
    /// <paramref name="keys"/>: every node must be able to open every CA key (an HSM, or here one software key folder).</summary>
    public static ServerProcess Start(string dataDirectory, IReadOnlyList<string> storageArguments, SharedKeys? keys, params string[] extraArguments)
    {
        var server = new ServerProcess(dataDirectory, storageArguments, keys, extraArguments);
        server.Launch();
        return server;
    }

    /// <summary>A new process on the same data directory, keys and database (after a crash), on a new port.</summary>
    public ServerProcess Restart(params string[] extraArguments) => Start(DataDirectory, StorageArguments, _keys, extraArguments);

    private void Launch()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in _arguments) psi.ArgumentList.Add(a);
        // Workstation GC: several nodes share two cores with the test runner.
        psi.Environment["DOTNET_gcServer"] = "0";
        // The key-encryption secret goes through the environment, as in production, not the command line.
        if (_keys is not null) psi.Environment["Castellan__KeyStore__Software__Secret"] = _keys.Secret;
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 200) _output.TryDequeue(out _);
    }

    /// <summary>Waits until GET /health says ready (start-up sequence done).</summary>
    /// <summary>How long a node may take to migrate and start: a bound for a stuck node, not a speed test (a busy
    /// 2-core machine starting two nodes on a fresh PostgreSQL took over a minute).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(2) };
        while (deadline.Elapsed < timeout)
        {
            if (_process!.HasExited) throw new InvalidOperationException($"the server exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var response = await probe.GetAsync("/health");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{BaseUrl} not ready after {timeout}:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a power cut of the process.</summary>
    public void KillHard()
    {
        _process!.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Issues a tls-server certificate for a fresh P-256 key; returns the serial and the certificate DER.</summary>
    public async Task<(string Serial, byte[] Der)> IssueAsync(string dnsName, CancellationToken ct = default)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/certificates", new { profile = "tls-server", csr = Tools.P256CsrPem(dnsName) }, ct);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"issuance on {BaseUrl} failed: {(int)response.StatusCode} {json}\n{Output}");
        using var cert = X509Certificate2.CreateFromPem(json.GetProperty("certificatePem").GetString()!);
        return (json.GetProperty("serialNumber").GetString()!, cert.RawData);
    }

    /// <summary>GET /api/v1/audit/verify: whether the hash chain is whole, and the first break otherwise.</summary>
    public async Task<JsonElement> VerifyAuditAsync() => await Client.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
    }
}

/// <summary>Tests that run server processes run one class at a time: each starts one or two nodes, and several such
/// classes at once on a two-core machine only make every start slower.</summary>
[CollectionDefinition(Name)]
public sealed class ServerProcesses
{
    public const string Name = "server processes";
}
