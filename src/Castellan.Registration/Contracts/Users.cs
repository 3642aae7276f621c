namespace Castellan.Registration.Contracts;

public enum UserStatus
{
    /// <summary>Invited or signed up; no password yet.</summary>
    Invited,
    Active,
    Deactivated,
}

/// <summary>
/// A login. Email is stored lower-cased and is unique. <see cref="PasswordHash"/> is a self-describing PBKDF2 string
/// (see <c>Users.PasswordHasher</c>). <see cref="FailedSignIns"/> and <see cref="LockedUntil"/> are the lockout
/// bookkeeping the portal's password sign-in uses.
/// </summary>
public sealed record User(
    string Id,
    string Email,
    string Name,
    string? Mobile,
    UserStatus Status,
    string? PasswordHash,
    int FailedSignIns,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt);

public enum MembershipStatus
{
    Active,
    Deactivated,
}

/// <summary>A login's place in one account: one login may belong to several accounts, each with its own role.</summary>
public sealed record Membership(string UserId, string AccountId, string RoleId, MembershipStatus Status, DateTimeOffset CreatedAt);

/// <summary>User and membership storage, implemented by Castellan.Storage.</summary>
public interface IUserStore
{
    /// <summary>False when the email is already registered.</summary>
    Task<bool> AddAsync(User user, CancellationToken ct);

    Task<User?> GetAsync(string id, CancellationToken ct);

    Task<User?> FindByEmailAsync(string email, CancellationToken ct);

    /// <summary>Replaces the mutable fields (name, mobile, status, password hash, lockout bookkeeping).</summary>
    Task UpdateAsync(User user, CancellationToken ct);

    /// <summary>Adds or replaces the membership of a user in an account.</summary>
    Task SaveMembershipAsync(Membership membership, CancellationToken ct);

    Task<Membership?> GetMembershipAsync(string userId, string accountId, CancellationToken ct);

    Task<IReadOnlyList<Membership>> ListMembershipsAsync(string userId, CancellationToken ct);

    Task<IReadOnlyList<(User User, Membership Membership)>> ListMembersAsync(string accountId, CancellationToken ct);
}

/// <summary>
/// A single-use activation link. Only the SHA-256 of the token is stored; the token itself exists only in the
/// outgoing message. <see cref="AccountId"/> is the account the link activates along with the user, if any.
/// </summary>
public sealed record ActivationToken(string Hash, string UserId, string? AccountId, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt);

public interface IActivationTokenStore
{
    Task AddAsync(ActivationToken token, CancellationToken ct);

    Task<ActivationToken?> FindAsync(string hash, CancellationToken ct);

    /// <summary>Marks the token used; false when it was already used (two racing requests: exactly one wins).</summary>
    Task<bool> ConsumeAsync(string hash, DateTimeOffset at, CancellationToken ct);
}
