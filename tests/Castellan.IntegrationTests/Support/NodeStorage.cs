namespace Castellan.IntegrationTests.Support;

/// <summary>The storage a server process under test runs on, by provider name, and a probe that reads it directly.</summary>
public sealed record NodeStorage(IReadOnlyList<string> Arguments, DatabaseProbe Probe)
{
    /// <summary>"sqlite": the database in <paramref name="dataDirectory"/>; "postgres": a fresh database of the test server.</summary>
    public static async Task<NodeStorage> ForAsync(string provider, string dataDirectory)
    {
        if (provider == "postgres")
        {
            var database = await TestDatabases.CreateAsync();
            return new NodeStorage(["--Castellan:Storage:Provider", "postgres", "--Castellan:Storage:ConnectionString", database], DatabaseProbe.Postgres(database));
        }
        return new NodeStorage(["--Castellan:Storage:Provider", "sqlite"], DatabaseProbe.Sqlite(dataDirectory));
    }
}
