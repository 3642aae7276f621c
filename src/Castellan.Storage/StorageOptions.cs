namespace Castellan.Storage;

/// <summary>Bound from <c>Castellan:Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>"sqlite" (default, embedded, one node) or "postgres" (production, several nodes).</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>PostgreSQL connection string, or a SQLite one; SQLite defaults to DATA/castellan.db.</summary>
    public string? ConnectionString { get; set; }
}
