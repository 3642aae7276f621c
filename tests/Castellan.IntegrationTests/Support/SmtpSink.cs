using System.Diagnostics;
using MimeKit;

namespace Castellan.IntegrationTests.Support;

/// <summary>
/// A real SMTP server on a free loopback port (Debian's aiosmtpd) that keeps every message as a Maildir file, so tests
/// read what Castellan really sent over SMTP and follow its links. Shared by the RA, validation and end-to-end tests.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process _process;

    private SmtpSink(Process process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }
    public int Port { get; }
    private string NewMail => Path.Combine(Directory, "maildir", "new");

    /// <summary>Starts the sink; <paramref name="port"/> lets a test bring a mail server up where one was down.</summary>
    public static async Task<SmtpSink> StartAsync(int? port = null)
    {
        var dir = TestPaths.NewDirectory("smtp");
        var listenPort = port ?? FreePort.Next();
        // /usr/bin/python3 on purpose: a pyenv python3 first on PATH lacks the Debian module.
        var psi = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{listenPort}", "-c", "aiosmtpd.handlers.Mailbox", Path.Combine(dir, "maildir") })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start aiosmtpd");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var sink = new SmtpSink(process, dir, listenPort);
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, listenPort);
                return sink;
            }
            catch (System.Net.Sockets.SocketException) { await Task.Delay(50); }
        }
        await sink.DisposeAsync();
        throw new InvalidOperationException("aiosmtpd did not listen on " + listenPort);
    }

    /// <summary>Every message received so far, oldest first.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        if (!System.IO.Directory.Exists(NewMail)) return [];
        return System.IO.Directory.GetFiles(NewMail)
            .Select(f => (File: f, Time: File.GetLastWriteTimeUtc(f)))
            .OrderBy(x => x.Time).ThenBy(x => x.File, StringComparer.Ordinal)
            .Select(x => MimeMessage.Load(x.File)).ToList();
    }

    /// <summary>Waits for the first message to <paramref name="recipient"/> that matches, or throws after the timeout.</summary>
    public async Task<MimeMessage> WaitForAsync(string recipient, Func<MimeMessage, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            var found = Messages().FirstOrDefault(m =>
                m.To.Mailboxes.Any(b => string.Equals(b.Address, recipient, StringComparison.OrdinalIgnoreCase)) && (match?.Invoke(m) ?? true));
            if (found is not null) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no mail to {recipient} arrived; got {Messages().Count} others");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) { _process.Kill(); await _process.WaitForExitAsync(); }
        _process.Dispose();
    }
}
