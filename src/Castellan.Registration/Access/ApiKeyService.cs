using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;
using Castellan.Registration.Users;

namespace Castellan.Registration.Access;

public sealed record CreateApiKeyRequest(string? Name, string? UserId);

/// <summary>
/// Issues and checks API keys. A key is 256 random bits, so a plain SHA-256 is a sufficient one-way hash at rest
/// (a slow KDF protects low-entropy passwords, not random keys) and lets every request be checked in microseconds.
/// A user's key is scoped to one membership and resolved on every request: deactivating the user or the membership,
/// suspending the account or changing the role takes effect on the next request: resolved callers are cached for at
/// most a second, and the stores empty that cache on every such change (<see cref="CallerCache"/>).
/// </summary>
public sealed class ApiKeyService(IApiKeyStore store, IAuditLog audit, TimeProvider clock, IUserStore users, IAccountStore accounts, RoleCatalog roles, CallerCache callers,
    IAccessRestrictionStore policies, ISecondFactorStore factors)
{
    private const string Prefix = "cstl_";

    /// <summary>Creates an operator automation key and returns the secret exactly once.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateAsync(string name, string role, string actor, CancellationToken ct)
    {
        var secret = Prefix + Ids.Secret();
        var key = await AddAsync(name, role, secret, actor, ct);
        return (key, secret);
    }

    /// <summary>Stores an operator automation key whose secret was supplied by configuration; only its hash is kept.</summary>
    public async Task<ApiKey> AddAsync(string name, string role, string secret, string actor, CancellationToken ct)
    {
        if (secret.Length < 20) throw new ArgumentException("an API key must be at least 20 characters", nameof(secret));
        if (OperatorRoles.Find(role) is null) throw new ArgumentException($"'{role}' is not an operator role", nameof(role));
        var key = new ApiKey(Ids.Base64Url(RandomNumberGenerator.GetBytes(9)), name, Hash(secret), role, clock.GetUtcNow(), null);
        await store.AddAsync(key, ct);
        await audit.AppendAsync(new AuditEvent(actor, "apikey.created", $"apikey:{key.Id}", JsonSerializer.Serialize(new { id = key.Id, name, role })), ct);
        return key;
    }

    /// <summary>
    /// A key for a membership in <paramref name="accountId"/>: the caller's own (needs <see cref="Permission.ApiUse"/>),
    /// or, with <see cref="Permission.UsersManage"/>, another member's, e.g. before that member can sign in to mint
    /// their own. Either way the key can do no more than its creator.
    /// </summary>
    public async Task<Result<(ApiKey Key, string Secret)>> CreateForMemberAsync(Caller caller, string accountId, CreateApiKeyRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var (u, a, rc) = (users, accounts, roles);
        var forSelf = string.IsNullOrEmpty(r.UserId) || r.UserId == caller.UserId;
        var account = AccessPolicy.Authorize(caller, await a.GetAsync(accountId, ct), forSelf ? Permission.ApiUse : Permission.UsersManage, accountId);
        if (account.IsError) return account.Error;
        var name = Fields.Name(r.Name, "name");
        if (name.IsError) return name.Error;
        if (forSelf && (caller.UserId is null || caller.AccountId != accountId))
            return new PolicyViolation("key-needs-membership", "a key belongs to one user's membership in this account: name the member in 'userId'");
        var userId = forSelf ? caller.UserId! : r.UserId!;
        var membership = await u.GetMembershipAsync(userId, accountId, ct);
        var user = membership is null ? null : await u.GetAsync(userId, ct);
        if (user is null || membership is null) return new NotFound("user", $"user '{userId}' is not a member of account '{accountId}'");
        if (user.Status != UserStatus.Active || membership.Status != MembershipStatus.Active)
            return new Conflict("keys are only issued to active users with an active membership");
        var role = await rc.FindAsync(account.Value, membership.RoleId, ct);
        if (role is null) return new Conflict($"the member's role '{membership.RoleId}' no longer exists");
        if (!forSelf && !AccessPolicy.CanGrant(caller, account.Value, role.Permissions))
            return new Forbidden("the member's role holds permissions this caller lacks");

        var secret = Prefix + Ids.Secret();
        var key = new ApiKey(Ids.New("key"), name.Value, Hash(secret), membership.RoleId, clock.GetUtcNow(), null, userId, accountId);
        await store.AddAsync(key, ct);
        await audit.AppendAsync(new AuditEvent(caller.Actor, "apikey.created", $"apikey:{key.Id}",
            JsonSerializer.Serialize(new { id = key.Id, name = key.Name, user = userId, account = accountId }), origin.Address), ct);
        return (key, secret);
    }

    /// <summary>
    /// The keys of an account the caller may see: every member's with <see cref="Permission.UsersManage"/>, otherwise
    /// the caller's own (<see cref="Permission.ApiUse"/>). Never the secret, which is shown once at creation.
    /// </summary>
    public async Task<Result<List<ApiKey>>> ListAsync(Caller caller, string accountId, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.ApiUse, accountId);
        if (account.IsError) return account.Error;
        var all = caller.Permissions.Contains(Permission.UsersManage) || caller.IsOperator;
        if (!all && caller.UserId is null) return new List<ApiKey>();
        return (await store.ListAsync(accountId, all ? null : caller.UserId, ct)).ToList();
    }

    /// <summary>Revokes the caller's own key, or any key of an account where the caller manages users.</summary>
    public async Task<Result<ApiKey>> RevokeAsync(Caller caller, string keyId, RequestOrigin origin, CancellationToken ct)
    {
        var a = accounts;
        var key = keyId.Length > 100 ? null : await store.GetAsync(keyId, ct);
        var notFound = new NotFound("apikey", $"API key '{keyId}' does not exist");
        if (key is null) return notFound;
        var own = caller.UserId is not null && key.UserId == caller.UserId;
        if (!own)
        {
            if (key.AccountId is null)
            {
                // Operator automation keys (the bootstrap key) belong to the operator administrators alone.
                if (!caller.IsOperator) return notFound;
                if (caller.Role != Contracts.Roles.OperatorAdministrator) return new Forbidden("only an operator administrator revokes operator keys");
            }
            else
            {
                var account = AccessPolicy.Authorize(caller, await a.GetAsync(key.AccountId, ct), Permission.UsersManage, key.AccountId);
                if (account.IsError) return account.Error is NotFound ? notFound : account.Error;
                // Revoking a more powerful member's key is acting on that member: refused like editing them.
                var membership = key.UserId is null ? null : await users.GetMembershipAsync(key.UserId, key.AccountId, ct);
                var role = membership is null ? null : await roles.FindAsync(account.Value, membership.RoleId, ct);
                if (role is not null && !AccessPolicy.CanGrant(caller, account.Value, role.Permissions))
                    return new Forbidden("this key's member holds permissions this caller lacks");
            }
        }
        if (key.RevokedAt is not null || !await store.RevokeAsync(keyId, clock.GetUtcNow(), ct)) return new Conflict($"API key '{keyId}' is already revoked");
        await audit.AppendAsync(new AuditEvent(caller.Actor, "apikey.revoked", $"apikey:{keyId}",
            JsonSerializer.Serialize(new { id = keyId, user = key.UserId, account = key.AccountId }), origin.Address), ct);
        return key with { RevokedAt = clock.GetUtcNow() };
    }

    public async Task<Caller?> AuthenticateAsync(string? secret, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 200) return null;
        var hash = Hash(secret);
        if (callers.TryGet(hash, out var cached)) return cached;
        var generation = callers.Generation;
        var caller = await ResolveAsync(hash, ct);
        if (caller is not null) callers.Put(hash, caller, generation);
        return caller;
    }

    private async Task<Caller?> ResolveAsync(string hash, CancellationToken ct)
    {
        var key = await store.FindByHashAsync(hash, ct);
        if (key is null || key.RevokedAt is not null) return null;
        if (key.UserId is null)
        {
            var operatorRole = OperatorRoles.Find(key.Role);
            return operatorRole is null ? null : new Caller(key.Id, key.Name, key.Role) { IsOperator = true, Permissions = operatorRole.Permissions };
        }
        var (u, a, rc) = (users, accounts, roles);
        var user = await u.GetAsync(key.UserId, ct);
        var membership = key.AccountId is null ? null : await u.GetMembershipAsync(key.UserId, key.AccountId, ct);
        var account = key.AccountId is null ? null : await a.GetAsync(key.AccountId, ct);
        if (user is not { Status: UserStatus.Active } || membership is not { Status: MembershipStatus.Active } || account is not { Status: AccountStatus.Active })
            return null;
        var role = await rc.FindAsync(account, membership.RoleId, ct);
        if (role is null) return null;
        // An account that enforces TOTP for sign-in must not be reachable around it with a key: a user who never enrolled
        // is held to enrolment. Keys cannot carry a code per request, so a confirmed factor is what the key stands on.
        var pending = SecondFactor.TotpService.IsRequired(await policies.GetAccountAsync(account.Id, ct))
            && await factors.GetAsync(user.Id, ct) is not { Confirmed: true };
        return new Caller(key.Id, key.Name, role.Id)
        {
            UserId = user.Id, AccountId = account.Id, IsOperator = account.IsOperator, Permissions = role.Permissions, SecondFactorPending = pending,
        };
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
