using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Castellan.EndToEnd;

/// <summary>
/// Playwright's expect timeout is process-wide, so it is set once here when the assembly loads rather than by
/// whichever fixture happens to start first: a journey whose fixture did not set it used the 5 s default and failed on
/// a busy CI machine where issuing a certificate or generating a key in the browser took longer.
/// </summary>
internal static class PlaywrightDefaults
{
    public const float TimeoutMs = 30_000;

    [ModuleInitializer]
    internal static void Apply() => Assertions.SetDefaultExpectTimeout(TimeoutMs);
}
