namespace Castellan.EndToEnd.Portal;

/// <summary>
/// Where screenshots go besides the test output: docs/screenshots of the repository, only when
/// CASTELLAN_SCREENSHOTS_TO_DOCS=1, so an ordinary test run leaves the working tree as it found it.
/// </summary>
internal static class ScreenshotDocs
{
    public static string? Directory()
    {
        if (Environment.GetEnvironmentVariable("CASTELLAN_SCREENSHOTS_TO_DOCS") != "1") return null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Castellan.slnx"))) return Path.Combine(dir.FullName, "docs", "screenshots");
        return null;
    }
}
