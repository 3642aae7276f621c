namespace Castellan.IntegrationTests.Support;

/// <summary>Free loopback ports and per-test folders, shared by the integration and CLI tests (linked there).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public static class TestPaths
{
    private static readonly string Root = Environment.GetEnvironmentVariable("CASTELLAN_TEST_WORK") is { Length: > 0 } w
        ? Path.Combine(w, "runs")
        : Path.Combine(Path.GetTempPath(), "castellan-tests");

    public static string NewDirectory(string prefix)
    {
        var path = Path.Combine(Root, $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(path);
        return path;
    }
}
