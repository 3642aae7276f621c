using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Protocols.Acme.Contracts;
using Castellan.Protocols.Acme.Jws;
using Castellan.Protocols.Acme.Messages;
using Castellan.Protocols.Acme.Problems;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Castellan.Protocols.Acme.Eab;

/// <summary>What the REST API returns once: the key id and the HMAC key (base64url), which is never shown again.</summary>
public sealed record EabCredentialsCreated(string KeyId, string HmacKey, string AccountId, string? GroupId, string? ProductId, DateTimeOffset CreatedAt);

public sealed record CreateEabCredentialsRequest(string? GroupId, string? ProductId);

/// <summary>
/// RFC 8555 §7.3.4 external account binding. Credentials are generated for an RA account (optionally a group and a
/// product) by someone who may use ACME in it; the HMAC key is encrypted with AES-256-GCM under the EAB secret
/// (never stored in clear, never logged). newAccount verifies the inner JWS: HS256/384/512 over the outer JWK,
/// "kid" the key id, "url" the newAccount URL, no nonce.
/// </summary>
public sealed class ExternalAccountBinding
{
    private readonly IAcmeStore _store;
    private readonly IAccountStore _accounts;
    private readonly IProductStore _products;
    private readonly IAuditLog _audit;
    private readonly TimeProvider _clock;
    private readonly byte[] _secret;

    public ExternalAccountBinding(IAcmeStore store, IAccountStore accounts, IProductStore products, IAuditLog audit, TimeProvider clock, IOptions<AcmeOptions> options, IConfiguration configuration)
    {
        _store = store;
        _accounts = accounts;
        _products = products;
        _audit = audit;
        _clock = clock;
        _secret = LoadSecret(options.Value.EabSecret, configuration["Castellan:DataDirectory"] ?? "./data");
    }

    /// <summary>Needs AcmeUse on the account (AccessPolicy: other tenants' accounts are not found); audited.</summary>
    public async Task<Result<EabCredentialsCreated>> CreateAsync(Caller caller, string accountId, CreateEabCredentialsRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await _accounts.GetAsync(accountId, ct), Permission.AcmeUse, accountId);
        if (account.IsError) return account.Error;
        if (account.Value.Status != AccountStatus.Active) return new Conflict($"account '{accountId}' is not active");
        var groupId = string.IsNullOrWhiteSpace(r.GroupId) ? null : r.GroupId.Trim();
        if (groupId is { Length: > 100 }) return new MalformedInput("'groupId' is at most 100 characters");
        var productId = string.IsNullOrWhiteSpace(r.ProductId) ? null : r.ProductId.Trim();
        if (productId is not null)
        {
            var product = await _products.GetAsync(productId, ct);
            if (product is null || (product.AccountId is { } owner && owner != accountId)) return new NotFound("product", $"product '{productId}' does not exist");
        }

        var keyId = "eab_" + Base64Url.Encode(RandomNumberGenerator.GetBytes(15));
        var hmacKey = RandomNumberGenerator.GetBytes(32);
        var now = _clock.GetUtcNow();
        var credential = new EabCredential(keyId, accountId, groupId, productId, Encrypt(keyId, hmacKey), caller.Actor, now);
        if (!await _store.AddEabCredentialAsync(credential, ct)) return new Conflict("the key id is taken; retry");
        await _audit.AppendAsync(new AuditEvent(caller.Actor, "acme.eab-created", $"account:{accountId}",
            JsonSerializer.Serialize(new { keyId, account = accountId, group = groupId, product = productId }), origin.Address), CancellationToken.None);
        return new EabCredentialsCreated(keyId, Base64Url.Encode(hmacKey), accountId, groupId, productId, now);
    }

    /// <summary>An account's credentials for whoever may use ACME in it: key ids, scope and state, never the HMAC key.</summary>
    public async Task<Result<List<EabCredential>>> ListAsync(Caller caller, string accountId, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await _accounts.GetAsync(accountId, ct), Permission.AcmeUse, accountId);
        if (account.IsError) return account.Error;
        return (await _store.ListEabCredentialsAsync(accountId, ct)).ToList();
    }

    /// <summary>
    /// Revokes a credential: no new ACME account binds with it. Accounts already bound keep their binding (RFC 8555
    /// binds once, at newAccount); deactivate those ACME accounts to stop them. Audited.
    /// </summary>
    public async Task<Result<EabCredential>> RevokeAsync(Caller caller, string accountId, string keyId, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await _accounts.GetAsync(accountId, ct), Permission.AcmeUse, accountId);
        if (account.IsError) return account.Error;
        var credential = keyId.Length > 100 ? null : await _store.GetEabCredentialAsync(keyId, ct);
        if (credential is null || credential.AccountId != accountId) return new NotFound("eab-credential", $"EAB key id '{keyId}' does not exist");
        var now = _clock.GetUtcNow();
        if (credential.RevokedAt is not null || !await _store.RevokeEabCredentialAsync(accountId, keyId, now, ct))
            return new Conflict($"EAB key id '{keyId}' is already revoked");
        await _audit.AppendAsync(new AuditEvent(caller.Actor, "acme.eab-revoked", $"account:{accountId}",
            JsonSerializer.Serialize(new { keyId, account = accountId }), origin.Address), CancellationToken.None);
        return credential with { RevokedAt = now };
    }

    /// <summary>Checks the binding JWS of a newAccount payload against the outer key; returns the credential it names.</summary>
    internal async Task<Result<EabCredential>> VerifyAsync(JsonElement binding, Jwk accountKey, string newAccountUrl, CancellationToken ct)
    {
        var parsed = ParseBinding(binding);
        if (parsed.IsError) return parsed.Error;
        var (alg, kid, url, payload, signingInput, signature) = parsed.Value;
        if (url != newAccountUrl) return new Unauthorized("the externalAccountBinding 'url' is not the newAccount URL");
        var credential = await _store.GetEabCredentialAsync(kid, ct);
        if (credential is null || credential.RevokedAt is not null) return new Unauthorized("the external account binding key id is unknown");
        var account = await _accounts.GetAsync(credential.AccountId, ct);
        if (account is null || account.Status != AccountStatus.Active) return new Unauthorized("the bound account is not active");
        var key = Decrypt(kid, credential.EncryptedKey);
        var mac = alg switch
        {
            "HS256" => HMACSHA256.HashData(key, signingInput),
            "HS384" => HMACSHA384.HashData(key, signingInput),
            _ => HMACSHA512.HashData(key, signingInput),
        };
        CryptographicOperations.ZeroMemory(key);
        if (!CryptographicOperations.FixedTimeEquals(mac, signature)) return new Unauthorized("the external account binding signature does not verify");
        var inner = payload.Length == 0 ? null : TryJwk(payload);
        if (inner is null || inner.Thumbprint != accountKey.Thumbprint) return new MalformedInput("the external account binding payload is not the account's key");
        return credential;
    }

    private static Result<(string Alg, string Kid, string Url, byte[] Payload, byte[] SigningInput, byte[] Signature)> ParseBinding(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object || !Str(e, "protected", out var p) || !Str(e, "payload", out var pl) || !Str(e, "signature", out var s))
            return new MalformedInput("'externalAccountBinding' must be a flattened JWS");
        if (!Base64Url.TryDecode(p, out var protectedBytes) || !Base64Url.TryDecode(pl, out var payload) || !Base64Url.TryDecode(s, out var signature))
            return new MalformedInput("an externalAccountBinding member is not base64url");
        if (!System.Text.Unicode.Utf8.IsValid(protectedBytes) || !System.Text.Unicode.Utf8.IsValid(payload))
            return new MalformedInput("the externalAccountBinding header and payload must be UTF-8 JSON");
        try
        {
            using var doc = JsonDocument.Parse(protectedBytes);
            var h = doc.RootElement;
            if (h.ValueKind != JsonValueKind.Object || !Str(h, "alg", out var alg) || !Str(h, "kid", out var kid) || !Str(h, "url", out var url))
                return new MalformedInput("the externalAccountBinding header needs 'alg', 'kid' and 'url'");
            if (alg is not ("HS256" or "HS384" or "HS512")) return new BadSignatureAlgorithm($"externalAccountBinding alg '{alg}' is not HS256, HS384 or HS512");
            if (h.TryGetProperty("nonce", out _)) return new MalformedInput("the externalAccountBinding header must not carry a nonce");
            return (alg, kid, url, payload, Encoding.ASCII.GetBytes(p + "." + pl), signature);
        }
        catch (JsonException)
        {
            return new MalformedInput("the externalAccountBinding header is not JSON");
        }
    }

    private static Jwk? TryJwk(byte[] json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return Jwk.Parse(doc.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private byte[] Encrypt(string keyId, byte[] plain)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(_secret, 16);
        aes.Encrypt(nonce, plain, cipher, tag, Encoding.UTF8.GetBytes(keyId)); // the key id is bound as associated data
        return [.. nonce, .. tag, .. cipher];
    }

    private byte[] Decrypt(string keyId, byte[] blob)
    {
        var plain = new byte[blob.Length - 28];
        using var aes = new AesGcm(_secret, 16);
        aes.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(28), blob.AsSpan(12, 16), plain, Encoding.UTF8.GetBytes(keyId));
        return plain;
    }

    private static byte[] LoadSecret(string? configured, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var bytes = Convert.FromBase64String(configured);
            if (bytes.Length != 32) throw new InvalidOperationException("Castellan:Acme:EabSecret must be 32 bytes, base64");
            return bytes;
        }
        System.IO.Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "acme-eab.secret");
        if (!File.Exists(path))
        {
            try
            {
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using var file = new FileStream(path, create);
                file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
            }
            catch (IOException) when (File.Exists(path))
            {
                // another process created it first; use theirs
            }
        }
        return Convert.FromBase64String(File.ReadAllText(path).Trim());
    }

    private static bool Str(JsonElement e, string name, out string value)
    {
        value = "";
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String) return false;
        value = v.GetString()!;
        return true;
    }
}
