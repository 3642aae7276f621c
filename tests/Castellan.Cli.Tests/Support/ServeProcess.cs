using System.Diagnostics;
using System.Text;

namespace Castellan.Cli.Tests.Support;

/// <summary><c>castellan serve</c> as a real process on a free loopback port, over an <see cref="Installation"/>'s data directory.</summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServeProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public static async Task<ServeProcess> StartAsync(string dataDirectory, params string[] extra)
    {
        var baseUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { CastellanCli.DllPath, "serve", "--data", dataDirectory, "--urls", baseUrl }.Concat(extra)) psi.ArgumentList.Add(a);
        foreach (var (k, v) in CastellanCli.WithQuietDotnet(null)) psi.Environment[k] = v;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start castellan serve");
        var serve = new ServeProcess(process, baseUrl);
        process.OutputDataReceived += (_, e) => serve.Append(e.Data);
        process.ErrorDataReceived += (_, e) => serve.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"castellan serve exited with {process.ExitCode}: {serve.Output}");
            try
            {
                using var health = await http.GetAsync($"{baseUrl}/health");
                if (health.IsSuccessStatusCode) return serve;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        await serve.DisposeAsync();
        throw new TimeoutException($"castellan serve did not become ready: {serve.Output}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>SIGTERM first, as a service manager would; the host shuts down gracefully. Killed if it does not.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;
}
