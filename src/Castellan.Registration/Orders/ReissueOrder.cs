using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Castellan.Authority.Contracts;
using Castellan.Authority.Issuance;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;
using Microsoft.Extensions.Options;

namespace Castellan.Registration.Orders;

/// <summary>The reasons a subscriber picks from when asking for a reissue (seed 003 "Reissue": reason from a list).</summary>
public static class ReissueReasons
{
    public const string KeyCompromise = "key-compromise";
    public const string KeyLost = "key-lost";
    public const string DetailsChanged = "details-changed";
    public const string NamesChanged = "names-changed";
    public const string Other = "other";

    public static IReadOnlyList<string> All { get; } = [KeyCompromise, KeyLost, DetailsChanged, NamesChanged, Other];

    /// <summary>A new key is needed when the old one is gone or must not be used again.</summary>
    public static bool NeedsNewKey(string reason) => reason is KeyCompromise or KeyLost;

    /// <summary>RFC 5280 5.3.1: a compromised key's certificate is revoked as keyCompromise, the others as superseded.</summary>
    public static RevocationReason Revocation(string reason) => reason == KeyCompromise ? RevocationReason.KeyCompromise : RevocationReason.Superseded;
}

/// <summary>The body of POST /orders/{id}/reissue.</summary>
public sealed record ReissueRequest(string? Reason, string? Csr, string? Remarks);

/// <summary>
/// Reissue (seed 003): a new order, linked to the fulfilled original, free inside the subscription's coverage, issued
/// under the product's approval mode. The original certificate is revoked (superseded, or keyCompromise) once the
/// reissue is fulfilled and the grace period (<see cref="RegistrationOptions.ReissueGracePeriod"/>) has passed.
/// The Idempotency-Key header makes a retried request return the same reissue order.
/// </summary>
public sealed class ReissueOrder(OrderService orders, IOrderStore store, IProductStore products, ICertificateStore certificates,
    IOptions<RegistrationOptions> options, TimeProvider clock)
{
    public async Task<Result<OrderOutcome>> ReissueAsync(Caller caller, string id, string? idempotencyKey, ReissueRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var reason = r.Reason?.Trim().ToLowerInvariant();
        if (reason is null || !ReissueReasons.All.Contains(reason))
            return new MalformedInput($"unknown reissue reason '{r.Reason}' (one of {string.Join(", ", ReissueReasons.All)})");
        return await PlaceAsync(caller, id, idempotencyKey, reason, r.Csr, r.Remarks, newSans: null, origin, ct);
    }

    /// <summary>
    /// Steps shared by reissue and add/remove SANs: check, replay, price (only SAN changes cost anything), pay, record,
    /// issue. <paramref name="newSans"/> null keeps the original's names.
    /// </summary>
    internal async Task<Result<OrderOutcome>> PlaceAsync(Caller caller, string id, string? idempotencyKey, string reason, string? csrText, string? remarksText,
        Func<Order, Product, IssuedCertificate, Result<(IReadOnlyList<string> Sans, long Price)>>? newSans, RequestOrigin origin, CancellationToken ct,
        string? change = null)
    {
        // 1. Input, before anything is read or written.
        if (OrderInput.Key(idempotencyKey) is { } badKey) return badKey;
        var key = idempotencyKey!;
        var csr = OrderInput.Csr(csrText);
        if (csr.IsError) return csr.Error;
        var remarks = OrderInput.Remarks(remarksText);
        if (remarks.IsError) return remarks.Error;

        // 2. The original, which the caller placed or manages.
        var found = await orders.FindForActionAsync(caller, id, Permission.OrdersManage, ownerMay: true, ct);
        if (found.IsError) return found.Error;
        var original = found.Value.Order;

        // 3. A retry with the same key answers with the first reissue.
        var fingerprint = Fingerprint(caller.Actor, id, reason, csrText, remarksText, change);
        if (await store.FindByIdempotencyKeyAsync(original.AccountId, key, ct) is { } earlier)
            return earlier.Fingerprint == fingerprint ? new OrderOutcome(earlier, Replayed: true) : new OrderKeyReused(key);

        // 4. Only a fulfilled order inside its coverage is reissued for free.
        if (original.Status != OrderStatus.Fulfilled || original.CertificateSerial is not { } serial)
            return new Conflict($"an order in status '{original.Status.Display()}' has no certificate to reissue");
        var now = clock.GetUtcNow();
        if (!Subscriptions.Covers(original, now))
            return new PolicyViolation("order.coverage", $"the subscription's coverage ended on {original.CoverageEndsAt:yyyy-MM-dd}; renew instead");
        var product = await products.GetAsync(original.ProductId, ct);
        if (product is null) return new Conflict($"product '{original.ProductId}' no longer exists");
        var certificate = await certificates.GetAsync(SerialNumber.Parse(serial), ct);
        if (certificate?.Der is null) return new Conflict($"the certificate of order '{id}' is not on record");

        // 5. A lost or compromised key needs a CSR for a different key; otherwise the original CSR may be reused.
        if (ReissueReasons.NeedsNewKey(reason))
        {
            if (csr.Value is null) return new MalformedInput($"a reissue for '{reason}' needs a CSR for a new key");
            if (SameKey(csr.Value, certificate.Der)) return new PolicyViolation("order.reissue-key", "the CSR is for the key of the certificate being replaced; make a new key");
        }
        var sans = original.Sans;
        long price = 0;
        if (newSans is not null)
        {
            var changed = newSans(original, product, certificate);
            if (changed.IsError) return changed.Error;
            (sans, price) = changed.Value;
        }

        var reissue = new Order(OrderInput.OrderId(original.AccountId, key), original.AccountId, original.GroupId, original.ProductId, OrderStatus.Accepted,
            csrText?.Trim() is { Length: > 0 } text ? text : original.Csr, sans, original.Subject, original.ValidityDays, remarks.Value, original.ReportingTags,
            original.AdditionalRecipients, price, original.Currency, caller.Actor, key, fingerprint, now, now)
        {
            Kind = OrderKind.Reissue, OriginalOrderId = original.Id, ReissueReason = reason, CoverageYears = original.CoverageYears,
            CoverageEndsAt = original.CoverageEndsAt, CustomFields = original.CustomFields, Tags = original.Tags,
            RequesterName = original.RequesterName, RequesterMobile = original.RequesterMobile,
            Supersedes = certificate.Status == CertificateStatus.Valid
                ? new Supersession(serial, reason == ReissueReasons.KeyCompromise ? now : now + options.Value.ReissueGracePeriod, ReissueReasons.Revocation(reason))
                : null,
        };

        // 6. Pay for extra names (keyed by the new order id, so a retry never pays twice), then record.
        if (price > 0)
        {
            var paid = await orders.PayAsync(reissue, caller.Actor, ct);
            if (paid.IsError) return paid.Error;
            reissue = reissue with { DebitJournalId = paid.Value };
        }
        if (!await store.AddAsync(reissue, ct))
        {
            var winner = await store.FindByIdempotencyKeyAsync(original.AccountId, key, ct);
            if (winner is null) return new Conflict("the reissue could not be recorded; retry with the same Idempotency-Key");
            return winner.Fingerprint == fingerprint ? new OrderOutcome(winner, Replayed: true) : new OrderKeyReused(key);
        }
        await orders.AuditAsync(caller.Actor, newSans is null ? "order.reissued" : "order.sans-changed", reissue, null, reissue.Status, origin, new
        {
            original = original.Id, reason, supersedes = reissue.Supersedes?.Serial, dueAt = reissue.Supersedes?.DueAt, price, sans,
        });

        // 7. Issued now when the product issues automatically; otherwise it waits for fulfilment like any accepted order.
        return new OrderOutcome(await orders.IssueIfReadyAsync(reissue, product, caller.Actor, origin, ct));
    }

    private static bool SameKey(ParsedCsr csr, byte[] certificateDer)
    {
        using var cert = X509CertificateLoader.LoadCertificate(certificateDer);
        return csr.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(cert.PublicKey.ExportSubjectPublicKeyInfo());
    }

    private static string Fingerprint(string actor, string original, string reason, string? csr, string? remarks, string? change) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { actor, original, reason, csr = csr?.Trim(), remarks, change }))));
}
