using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Contracts;

namespace Castellan.Registration.Access;

/// <summary>
/// Issues and checks API keys. A key is 256 random bits, so a plain SHA-256 is a sufficient one-way hash at rest
/// (a slow KDF protects low-entropy passwords, not random keys) and lets every request be checked in microseconds.
/// </summary>
public sealed class ApiKeyService(IApiKeyStore store, IAuditLog audit, TimeProvider clock)
{
    private const string Prefix = "cstl_";

    /// <summary>Creates a key and returns the secret exactly once.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateAsync(string name, string role, string actor, CancellationToken ct)
    {
        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = await AddAsync(name, role, secret, actor, ct);
        return (key, secret);
    }

    /// <summary>Stores a key whose secret was supplied by configuration (automation); only its hash is kept.</summary>
    public async Task<ApiKey> AddAsync(string name, string role, string secret, string actor, CancellationToken ct)
    {
        if (secret.Length < 20) throw new ArgumentException("an API key must be at least 20 characters", nameof(secret));
        var key = new ApiKey(Base64Url(RandomNumberGenerator.GetBytes(9)), name, Hash(secret), role, clock.GetUtcNow(), null);
        await store.AddAsync(key, ct);
        await audit.AppendAsync(new AuditEvent(actor, "apikey.created", $"apikey:{key.Id}", JsonSerializer.Serialize(new { id = key.Id, name, role })), ct);
        return key;
    }

    public async Task<Caller?> AuthenticateAsync(string? secret, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 200) return null;
        var key = await store.FindByHashAsync(Hash(secret), ct);
        return key is null || key.RevokedAt is not null ? null : new Caller(key.Id, key.Name, key.Role);
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
