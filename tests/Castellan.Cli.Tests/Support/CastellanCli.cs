using System.Reflection;
using Castellan.IntegrationTests.Support;

namespace Castellan.Cli.Tests.Support;

/// <summary>Runs the built <c>castellan</c> as a separate process, as an operator's shell would.</summary>
public static class CastellanCli
{
    /// <summary>castellan.dll of this build (baked in by the .csproj); CASTELLAN_CLI overrides it.</summary>
    public static string DllPath { get; } = Environment.GetEnvironmentVariable("CASTELLAN_CLI") is { Length: > 0 } path
        ? path
        : typeof(CastellanCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CastellanCli").Value!;

    public static Task<Tools.Output> RunAsync(params string[] args) => RunAsync(args, env: null);

    public static Task<Tools.Output> RunAsync(IEnumerable<string> args, IDictionary<string, string>? env, string? workingDirectory = null) =>
        Tools.RunAsync("dotnet", [DllPath, .. args], workingDirectory, WithQuietDotnet(env), TimeSpan.FromMinutes(3));

    /// <summary>Runs and insists on exit code 0, showing what the CLI said otherwise.</summary>
    public static async Task<Tools.Output> SucceedAsync(params string[] args)
    {
        var output = await RunAsync(args);
        Assert.True(output.ExitCode == 0, $"castellan {string.Join(' ', args)} exited {output.ExitCode}: {output.All}");
        return output;
    }

    internal static Dictionary<string, string> WithQuietDotnet(IDictionary<string, string>? env)
    {
        var all = new Dictionary<string, string>(env ?? new Dictionary<string, string>()) { ["DOTNET_NOLOGO"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };
        return all;
    }
}
