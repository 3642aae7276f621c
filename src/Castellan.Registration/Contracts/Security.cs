namespace Castellan.Registration.Contracts;

/// <summary>
/// A login's TOTP second factor (RFC 6238). <see cref="ProtectedSecret"/> is the shared secret encrypted by the RA
/// (AES-GCM, key outside the database); it is shown to the user once, at enrolment. <see cref="LastUsedStep"/> is the
/// newest time step accepted, so a code is accepted once (replay protection) even inside its validity window.
/// </summary>
public sealed record SecondFactor(string UserId, string ProtectedSecret, DateTimeOffset CreatedAt, DateTimeOffset? ConfirmedAt, long LastUsedStep)
{
    public bool Confirmed => ConfirmedAt is not null;
}

/// <summary>Second-factor storage, implemented by Castellan.Storage.</summary>
public interface ISecondFactorStore
{
    /// <summary>Adds or replaces the login's factor (a new enrolment replaces an unconfirmed one).</summary>
    Task SaveAsync(SecondFactor factor, CancellationToken ct);

    Task<SecondFactor?> GetAsync(string userId, CancellationToken ct);

    /// <summary>Conditional: confirms an unconfirmed factor with the step of its first code; false when already confirmed.</summary>
    Task<bool> ConfirmAsync(string userId, long step, DateTimeOffset at, CancellationToken ct);

    /// <summary>Conditional UPDATE ... WHERE LastUsedStep &lt; step: of two requests with one code exactly one wins.</summary>
    Task<bool> UseStepAsync(string userId, long step, CancellationToken ct);

    /// <summary>Removes the factor and its recovery codes.</summary>
    Task<bool> DeleteAsync(string userId, CancellationToken ct);

    /// <summary>Replaces every recovery code of the login by these SHA-256 hashes.</summary>
    Task ReplaceRecoveryCodesAsync(string userId, IReadOnlyList<string> hashes, CancellationToken ct);

    /// <summary>Conditional: marks an unused code used; false when unknown or already used.</summary>
    Task<bool> UseRecoveryCodeAsync(string userId, string hash, DateTimeOffset at, CancellationToken ct);

    Task<int> RecoveryCodesLeftAsync(string userId, CancellationToken ct);
}

/// <summary>
/// An account's sign-in policy: TOTP required for its members, and the networks (CIDR) its members may come from.
/// An empty <see cref="AllowedNetworks"/> allows every address.
/// </summary>
public sealed record AccountSecurity(string AccountId, bool SecondFactorRequired, IReadOnlyList<string> AllowedNetworks)
{
    public static AccountSecurity Default(string accountId) => new(accountId, false, []);
}

/// <summary>Account security policies and per-login network restrictions, implemented by Castellan.Storage.</summary>
public interface IAccessRestrictionStore
{
    Task<AccountSecurity?> GetAccountAsync(string accountId, CancellationToken ct);

    Task SaveAccountAsync(AccountSecurity security, CancellationToken ct);

    /// <summary>The networks one login may come from, in every account; empty: no restriction of its own.</summary>
    Task<IReadOnlyList<string>> GetUserNetworksAsync(string userId, CancellationToken ct);

    Task SaveUserNetworksAsync(string userId, IReadOnlyList<string> networks, CancellationToken ct);
}

/// <summary>
/// A client certificate a user registered for sign-in, scoped like an API key to one membership. Only public data is
/// kept: the SHA-256 fingerprint of the DER (lower-case hex) is what a presented certificate must match.
/// </summary>
public sealed record ClientCertificate(
    string Id,
    string UserId,
    string AccountId,
    string Fingerprint,
    string Subject,
    string Issuer,
    string SerialHex,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RemovedAt);

public interface IClientCertificateStore
{
    /// <summary>False when that fingerprint is already registered (to anyone).</summary>
    Task<bool> AddAsync(ClientCertificate certificate, CancellationToken ct);

    Task<ClientCertificate?> FindByFingerprintAsync(string fingerprint, CancellationToken ct);

    Task<ClientCertificate?> GetAsync(string id, CancellationToken ct);

    Task<IReadOnlyList<ClientCertificate>> ListAsync(string userId, CancellationToken ct);

    /// <summary>Conditional: sets the removal time once.</summary>
    Task<bool> RemoveAsync(string id, DateTimeOffset at, CancellationToken ct);
}
