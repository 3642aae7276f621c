using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Authority.Revocation;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Certificates;

/// <summary>One certificate as a caller may see it, with its chain up to the root (issuer first).</summary>
public sealed record CertificateDetails(AccountCertificate Entry, IReadOnlyList<X509Certificate2> Chain, bool MayRevoke);

/// <summary>A file to hand to the browser.</summary>
public sealed record CertificateFile(byte[] Content, string ContentType, string FileName);

/// <summary>
/// Seed 003 "Certificates": an account's certificates are those its orders produced. Scoped like
/// <see cref="Orders.OrderService.ListAsync"/>: a tenant sees its account's (only the ones it ordered unless its role
/// sees the account's orders); operator staff see every certificate. Revoking needs OrdersManage in the order's
/// account (or, for operator staff, CertificateAuthoritiesManage too for certificates issued outside any order).
/// </summary>
public sealed class AccountCertificates(IAccountCertificateStore store, IAccountStore accounts, CaDirectory cas, RevokeCertificate revoker,
    IAuditLog audit, TimeProvider clock)
{
    public const int MaxPageSize = 200;

    public async Task<Result<(IReadOnlyList<AccountCertificate> Items, int Total)>> ListAsync(Caller caller, string? text, CertificateStatus? status,
        int? expiringWithinDays, int skip, int take, CancellationToken ct)
    {
        if (skip < 0 || take is < 1 or > MaxPageSize) return new MalformedInput($"a page holds 1 to {MaxPageSize} certificates");
        if (expiringWithinDays is < 1 or > 3650) return new MalformedInput("the expiry window is 1 to 3650 days");
        if (text is { Length: > 200 }) return new MalformedInput("the search text is longer than 200 characters");
        string? scope = caller.IsOperator ? null : caller.AccountId;
        IReadOnlySet<Permission> permissions = caller.Permissions;
        if (scope is not null)
        {
            var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(scope, ct), Permission.OrdersViewOwn, scope);
            if (account.IsError) return account.Error;
            permissions = AccessPolicy.On(caller, account.Value)!;
        }
        else if (!permissions.Contains(Permission.OrdersViewOwn))
        {
            return new Forbidden("this caller lacks the 'OrdersViewOwn' permission");
        }
        var now = clock.GetUtcNow();
        var query = new AccountCertificateQuery(scope, SeesAll(permissions) ? null : caller.Actor, text, status,
            expiringWithinDays is { } days ? now.AddDays(days) : null, now, skip, take);
        return await store.SearchAsync(query, ct);
    }

    public async Task<Result<CertificateDetails>> GetAsync(Caller caller, string serial, CancellationToken ct)
    {
        var found = await VisibleAsync(caller, serial, ct);
        if (found.IsError) return found.Error;
        var (entry, permissions) = found.Value;
        var chain = await cas.ChainAsync(entry.Certificate.CaId, ct);
        return new CertificateDetails(entry, chain, MayRevoke(caller, entry, permissions));
    }

    /// <summary>PEM: the certificate then its chain (what a TLS server is configured with); DER: the certificate alone.</summary>
    public async Task<Result<CertificateFile>> DownloadAsync(Caller caller, string serial, string? format, CancellationToken ct)
    {
        var details = await GetAsync(caller, serial, ct);
        if (details.IsError) return details.Error;
        var c = details.Value.Entry.Certificate;
        if (c.Der is null) return new NotFound("certificate", $"certificate {serial} does not exist");
        switch ((format ?? "pem").ToLowerInvariant())
        {
            case "pem":
                var pem = new StringBuilder(PemEncoding.WriteString("CERTIFICATE", c.Der)).Append('\n');
                foreach (var ca in details.Value.Chain) pem.Append(PemEncoding.WriteString("CERTIFICATE", ca.RawData)).Append('\n');
                return new CertificateFile(Encoding.ASCII.GetBytes(pem.ToString()), "application/pem-certificate-chain", $"{c.Serial.Hex}.pem");
            case "der":
                return new CertificateFile(c.Der, "application/pkix-cert", $"{c.Serial.Hex}.cer");
            case "p7b":
                // RFC 2315 certs-only SignedData: the certificate and its chain, as Windows and Java key stores import it.
                var bundle = new X509Certificate2Collection(X509CertificateLoader.LoadCertificate(c.Der));
                bundle.AddRange(details.Value.Chain.ToArray());
                return new CertificateFile(bundle.Export(X509ContentType.Pkcs7)!, "application/pkcs7-mime", $"{c.Serial.Hex}.p7b");
            default:
                return new MalformedInput($"unknown format '{format}' (pem, der, p7b)");
        }
    }

    /// <summary>Revokes through the CA (which publishes the CRL and re-signs OCSP) and records the RA's decision for the account.</summary>
    public async Task<Result<IssuedCertificate>> RevokeAsync(Caller caller, string serial, RevocationReason reason, RequestOrigin origin, CancellationToken ct)
    {
        var found = await VisibleAsync(caller, serial, ct);
        if (found.IsError) return found.Error;
        var (entry, permissions) = found.Value;
        if (!MayRevoke(caller, entry, permissions)) return new Forbidden($"this caller may not revoke certificate {serial}");
        if (reason == RevocationReason.CertificateHold) return new PolicyViolation("revocation.hold", "putting a certificate on hold is an operator action");
        var revoked = await revoker.RevokeAsync(entry.Certificate.Serial, reason, caller.Actor, ct);
        if (revoked.IsError) return revoked.Error;
        await audit.AppendAsync(new AuditEvent(caller.Actor, "order.certificate-revoked", entry.OrderId is { } o ? $"order:{o}" : $"certificate:{entry.Certificate.Serial.Hex}",
            JsonSerializer.Serialize(new { order = entry.OrderId, account = entry.AccountId, serial = entry.Certificate.Serial.Hex, reason = reason.ToString() }), origin.Address), CancellationToken.None);
        return revoked.Value;
    }

    private async Task<Result<(AccountCertificate Entry, IReadOnlySet<Permission> Permissions)>> VisibleAsync(Caller caller, string serial, CancellationToken ct)
    {
        var notFound = new NotFound("certificate", $"certificate {serial} does not exist");
        if (!SerialNumber.TryParse(serial, out var s)) return notFound;
        var entry = await store.GetAsync(s.Hex, ct);
        if (entry is null) return notFound;
        if (caller.IsOperator) return (entry, caller.Permissions);
        if (entry.AccountId is null) return notFound;
        var account = await accounts.GetAsync(entry.AccountId, ct);
        // Only the caller's own account: a partner's view of its sub-accounts' certificates is not offered here.
        if (account is null || account.Id != caller.AccountId || AccessPolicy.On(caller, account) is not { } permissions) return notFound;
        if (!SeesAll(permissions) && !(permissions.Contains(Permission.OrdersViewOwn) && entry.PlacedBy == caller.Actor)) return notFound;
        return (entry, permissions);
    }

    private static bool MayRevoke(Caller caller, AccountCertificate entry, IReadOnlySet<Permission> permissions) =>
        entry.Certificate.Status is CertificateStatus.Valid or CertificateStatus.OnHold
        && (entry.OrderId is not null ? permissions.Contains(Permission.OrdersManage)
            : caller.IsOperator && permissions.Contains(Permission.CertificateAuthoritiesManage));

    private static bool SeesAll(IReadOnlySet<Permission> p) =>
        p.Contains(Permission.OrdersViewAll) || p.Contains(Permission.OrdersApprove) || p.Contains(Permission.OrdersManage);
}
