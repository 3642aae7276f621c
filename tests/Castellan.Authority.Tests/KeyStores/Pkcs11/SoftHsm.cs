using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Castellan.Testing;

/// <summary>
/// One SoftHSM2 token directory per test process. SoftHSM reads SOFTHSM2_CONF once, at C_Initialize, and a process
/// initialises the module once, so every test class of the process shares this directory (and one token in it); keys
/// are told apart by their random CKA_ID. Created on first use, before anything loads the module.
/// Shared by Castellan.Authority.Tests and Castellan.IntegrationTests (linked file).
/// </summary>
public sealed partial class SoftHsm
{
    public const string ModulePath = "/usr/lib/softhsm/libsofthsm2.so";

    /// <summary>Test-only PINs of a throwaway token.</summary>
    public const string UserPin = "castellan-user-pin";
    private const string SoPin = "castellan-so-pin";

    private static readonly Lazy<SoftHsm> Instance = new(Create);

    private SoftHsm(string directory, string tokenLabel, string spareTokenLabel)
    {
        Directory = directory;
        TokenLabel = tokenLabel;
        SpareTokenLabel = spareTokenLabel;
    }

    public static SoftHsm Shared => Instance.Value;

    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "softhsm2.conf");

    public string TokenLabel { get; }

    /// <summary>
    /// A second token nobody logs in to. PKCS#11 login state is per application and token, so once the main token is
    /// logged in, a later login with a wrong PIN is answered CKR_USER_ALREADY_LOGGED_IN; PIN checks need this one.
    /// </summary>
    public string SpareTokenLabel { get; }

    /// <summary>Runs pkcs11-tool against the token, logged in as the user.</summary>
    public (int ExitCode, string Output) Pkcs11Tool(params string[] args) =>
        Run("pkcs11-tool", ["--module", ModulePath, "--token-label", TokenLabel, "--login", "--pin", UserPin, .. args]);

    private static SoftHsm Create()
    {
        var root = Environment.GetEnvironmentVariable("CASTELLAN_TEST_WORK") is { Length: > 0 } w ? Path.Combine(w, "runs") : Path.Combine(Path.GetTempPath(), "castellan-tests");
        var directory = Path.Combine(root, "softhsm-" + Guid.NewGuid().ToString("N")[..12]);
        var tokens = Path.Combine(directory, "tokens");
        System.IO.Directory.CreateDirectory(tokens);
        var config = Path.Combine(directory, "softhsm2.conf");
        File.WriteAllText(config, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        // Environment.SetEnvironmentVariable changes only .NET's copy on Unix; SoftHSM calls getenv(), so set both.
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", config);
        if (SetNativeEnvironment("SOFTHSM2_CONF", config, 1) != 0) throw new InvalidOperationException("setenv(SOFTHSM2_CONF) failed");
        // Tokens are created before the module is first initialised in this process: SoftHSM reads its token
        // directory at C_Initialize.
        var label = "castellan-test-" + Environment.ProcessId;
        var spare = "castellan-spare-" + Environment.ProcessId;
        foreach (var token in new[] { label, spare })
        {
            var (exit, output) = Run("softhsm2-util", ["--init-token", "--free", "--label", token, "--pin", UserPin, "--so-pin", SoPin]);
            if (exit != 0) throw new InvalidOperationException("softhsm2-util --init-token failed: " + output);
        }
        return new SoftHsm(directory, label, spare);
    }

    private static (int ExitCode, string Output) Run(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) process.Kill(entireProcessTree: true);
        return (process.ExitCode, stdout + stderr.GetAwaiter().GetResult());
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetNativeEnvironment(string name, string value, int overwrite);
}
