namespace Castellan.Registration.Contracts;

/// <summary>An API key as stored: only the SHA-256 of the secret, never the secret itself.</summary>
public sealed record ApiKey(string Id, string Name, string Hash, string Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Who is calling, once a key has been checked.</summary>
public sealed record Caller(string KeyId, string Name, string Role)
{
    public string Actor => $"apikey:{KeyId}";
}

public static class Roles
{
    /// <summary>The platform operator's administrator; the bootstrap key has this role.</summary>
    public const string OperatorAdministrator = "operator-admin";
}

/// <summary>API key storage, implemented by Castellan.Storage.</summary>
public interface IApiKeyStore
{
    Task<bool> AddAsync(ApiKey key, CancellationToken ct);

    Task<ApiKey?> FindByHashAsync(string hash, CancellationToken ct);

    Task<int> CountAsync(CancellationToken ct);
}
