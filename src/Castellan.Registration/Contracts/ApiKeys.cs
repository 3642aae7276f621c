using Castellan.Registration.Roles;

namespace Castellan.Registration.Contracts;

/// <summary>
/// An API key as stored: only the SHA-256 of the secret, never the secret itself. A user's key is scoped to one
/// membership (<see cref="UserId"/> in <see cref="AccountId"/>) and acts with that membership's current role. A key
/// without a user is an operator automation key (the bootstrap key) whose <see cref="Role"/> is an operator role.
/// </summary>
public sealed record ApiKey(string Id, string Name, string Hash, string Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt,
    string? UserId = null, string? AccountId = null);

/// <summary>Who is calling, once a key has been checked, and what that caller may do in its own account.</summary>
public sealed record Caller(string KeyId, string Name, string Role)
{
    /// <summary>The login behind the key; null for operator automation keys.</summary>
    public string? UserId { get; init; }

    /// <summary>The account the key is scoped to; <see cref="Account.OperatorId"/> for operator staff.</summary>
    public string AccountId { get; init; } = Account.OperatorId;

    /// <summary>Operator staff act above every tenant (subject to their role's permissions).</summary>
    public bool IsOperator { get; init; }

    public IReadOnlySet<Permission> Permissions { get; init; } = new HashSet<Permission>();

    /// <summary>
    /// The key's account enforces TOTP and its user has not confirmed a factor yet: the key reaches only the caller's
    /// own endpoints (to enrol), nothing else, until the user enrols (docs/flows/registration.md step 5).
    /// </summary>
    public bool SecondFactorPending { get; init; }

    public string Actor => UserId is null ? $"apikey:{KeyId}" : $"user:{UserId}";
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

    Task<ApiKey?> GetAsync(string id, CancellationToken ct);

    /// <summary>Sets the revocation time once; false when the key does not exist or was already revoked.</summary>
    Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken ct);

    Task<int> CountAsync(CancellationToken ct);

    /// <summary>The keys of one account, newest first; only <paramref name="userId"/>'s when given. Revoked ones too.</summary>
    Task<IReadOnlyList<ApiKey>> ListAsync(string accountId, string? userId, CancellationToken ct);
}

/// <summary>Who asked, for the audit log: the actor and the caller's network address.</summary>
public sealed record RequestOrigin(string Actor, string? Address);
