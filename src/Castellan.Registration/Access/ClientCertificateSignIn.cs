using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Access;

public sealed record RegisterClientCertificateRequest(string? Pem, string? Name);

/// <summary>
/// Sign-in with a registered client certificate (issue 3 item 6). A user registers the certificate's PEM for one of
/// their memberships (like an API key); only its SHA-256 fingerprint, subject, issuer, serial and validity are kept.
/// A presented certificate (TLS client authentication; the proof of key possession is the TLS handshake) signs in
/// when its fingerprint is registered and not removed, it is within its validity now, and, when Castellan's own CA
/// issued it, it is not revoked or on hold. The user, membership and account are re-checked on every request as for keys.
/// </summary>
public sealed class ClientCertificateSignIn(IClientCertificateStore store, ICertificateStore issued, IUserStore users, IAccountStore accounts,
    RoleCatalog roles, IAuditLog audit, TimeProvider clock)
{
    public const int MaxPem = 16 * 1024;

    /// <summary>Registers a certificate for the caller's own membership in <paramref name="accountId"/> (needs ApiUse there).</summary>
    public async Task<Result<ClientCertificate>> RegisterAsync(Caller caller, string accountId, RegisterClientCertificateRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.ApiUse, accountId);
        if (account.IsError) return account.Error;
        if (caller.UserId is null || caller.AccountId != accountId)
            return new Forbidden("a client certificate belongs to the caller's own membership in this account");
        if (string.IsNullOrWhiteSpace(r.Pem)) return new MalformedInput("'pem' is required (one PEM certificate)");
        if (r.Pem.Length > MaxPem) return new MalformedInput($"'pem' may have at most {MaxPem} characters");
        if (r.Pem.Contains("PRIVATE KEY", StringComparison.Ordinal)) return new MalformedInput("'pem' holds a private key; send the certificate only and keep the key to yourself");
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(r.Pem);
        }
        catch (CryptographicException)
        {
            return new MalformedInput("'pem' is not a PEM certificate");
        }
        using (certificate)
        {
            var now = clock.GetUtcNow();
            if (now < certificate.NotBefore.ToUniversalTime() || now >= certificate.NotAfter.ToUniversalTime())
                return new PolicyViolation("certificate-not-current", $"the certificate is valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}, not now");
            if (await RevokedHereAsync(certificate, ct)) return new PolicyViolation("certificate-revoked", "the certificate was revoked by this CA");
            var record = new ClientCertificate(Ids.New("ccr"), caller.UserId, accountId, Fingerprint(certificate), Cap(certificate.Subject), Cap(certificate.Issuer),
                certificate.SerialNumber.ToLowerInvariant(), certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime(), now, null);
            if (!await store.AddAsync(record, ct)) return new Conflict("that certificate is already registered");
            await audit.AppendAsync(new AuditEvent(caller.Actor, "client-certificate.registered", $"user:{caller.UserId}",
                JsonSerializer.Serialize(new { id = record.Id, account = accountId, fingerprint = record.Fingerprint, subject = record.Subject }), origin.Address), ct);
            return record;
        }
    }

    public async Task<Result<IReadOnlyList<ClientCertificate>>> ListOwnAsync(Caller caller, CancellationToken ct)
    {
        if (caller.UserId is null) return new PolicyViolation("certificate-needs-membership", "operator automation keys have no certificates");
        return (await store.ListAsync(caller.UserId, ct)).Where(c => c.RemovedAt is null).ToList();
    }

    /// <summary>The owner removes its own certificate; removal takes effect on the next request.</summary>
    public async Task<Result<ClientCertificate>> RemoveAsync(Caller caller, string id, RequestOrigin origin, CancellationToken ct)
    {
        var found = id.Length > 100 ? null : await store.GetAsync(id, ct);
        if (found is null || found.UserId != caller.UserId || found.RemovedAt is not null) return new NotFound("client certificate", $"client certificate '{id}' does not exist");
        if (!await store.RemoveAsync(id, clock.GetUtcNow(), ct)) return new Conflict("the certificate was removed meanwhile");
        await audit.AppendAsync(new AuditEvent(caller.Actor, "client-certificate.removed", $"user:{found.UserId}",
            JsonSerializer.Serialize(new { id, fingerprint = found.Fingerprint }), origin.Address), ct);
        return found;
    }

    /// <summary>The caller a presented certificate signs in as, or null (unknown, removed, expired, revoked, inactive user).</summary>
    public async Task<Caller?> AuthenticateAsync(X509Certificate2 presented, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now < presented.NotBefore.ToUniversalTime() || now >= presented.NotAfter.ToUniversalTime()) return null;
        var registered = await store.FindByFingerprintAsync(Fingerprint(presented), ct);
        if (registered is null || registered.RemovedAt is not null) return null;
        if (await RevokedHereAsync(presented, ct)) return null;
        var user = await users.GetAsync(registered.UserId, ct);
        var membership = await users.GetMembershipAsync(registered.UserId, registered.AccountId, ct);
        var account = await accounts.GetAsync(registered.AccountId, ct);
        if (user is not { Status: UserStatus.Active } || membership is not { Status: MembershipStatus.Active } || account is not { Status: AccountStatus.Active })
            return null;
        var role = await roles.FindAsync(account, membership.RoleId, ct);
        if (role is null) return null;
        return new Caller("cert:" + registered.Id, registered.Subject, role.Id) { UserId = user.Id, AccountId = account.Id, IsOperator = account.IsOperator, Permissions = role.Permissions };
    }

    public static string Fingerprint(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));

    /// <summary>True when this CA issued exactly this certificate (same serial and bytes) and it is revoked or on hold.</summary>
    private async Task<bool> RevokedHereAsync(X509Certificate2 certificate, CancellationToken ct)
    {
        if (!SerialNumber.TryParse(certificate.SerialNumber, out var serial)) return false;
        var record = await issued.GetAsync(serial, ct);
        if (record?.Der is null || !record.Der.AsSpan().SequenceEqual(certificate.RawData)) return false;
        return record.Status is CertificateStatus.Revoked or CertificateStatus.OnHold;
    }

    private static string Cap(string s) => s.Length > 1024 ? s[..1024] : s;
}
