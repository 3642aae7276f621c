using System.Net;
using Castellan.Authority.Contracts;
using Castellan.Authority.Profiles;
using Castellan.Registration.Contracts;
using Castellan.Registration.Domains;
using Castellan.Validation.Contracts;

namespace Castellan.Registration.Orders.Validation;

/// <summary>An order's domain control state as the API and the tracking page show it.</summary>
public sealed record OrderDomainValidationState(bool Required, bool Complete, IReadOnlyList<OrderValidation> Names);

/// <summary>
/// Domain control for RA orders (docs/flows/orders.md "Domain control"): which names of an order need proof, which are
/// already covered (a reusable validation of the ordering account, honouring the BR reuse window and the
/// subdomain/wildcard rules, or a verified domain of the account), the per-name challenges for the rest, and the CAA
/// check that runs right before every issuance. Another account's proof never counts: evidence is looked up by the
/// order's account only.
/// </summary>
public sealed class OrderDomainValidation(
    IOrderValidationStore store,
    IValidationAuthority va,
    IEmailValidation email,
    IDomainStore domains,
    IProductStore products,
    ProfileCatalog profiles,
    TimeProvider clock)
{
    /// <summary>The API codes of the methods an order name can be validated by (the ACME ones need an ACME account key).</summary>
    public static IReadOnlyDictionary<string, ValidationMethod> Methods => DomainService.Methods;

    /// <summary>The method for a new order's names: the one asked for, or dns-txt. Checked before any money moves.</summary>
    public static Result<ValidationMethod?> ParseMethod(string? code)
    {
        if (string.IsNullOrWhiteSpace(code)) return (ValidationMethod?)null;
        return Methods.TryGetValue(code.Trim(), out var m) ? m
            : new MalformedInput($"unknown validation method '{code}'; use one of {string.Join(", ", Methods.Keys)}");
    }

    public async Task<bool> RequiredAsync(Product product, CancellationToken ct)
    {
        if (product.RequiresDomainValidation is { } set) return set;
        var profile = await profiles.FindAsync(product.ProfileId, ct);
        return DomainValidationRule.Requires(product, profile.IsError ? null : profile.Value);
    }

    /// <summary>The DNS and IP names the certificate will carry: the order's SANs, else its CSR's.</summary>
    public static IReadOnlyList<Identifier> Names(Order order)
    {
        var names = new List<Identifier>();
        if (order.Sans.Count > 0)
        {
            foreach (var san in order.Sans)
            {
                if (san.StartsWith("dns:", StringComparison.OrdinalIgnoreCase)) names.Add(new(IdentifierType.Dns, san[4..].ToLowerInvariant()));
                else if (san.StartsWith("ip:", StringComparison.OrdinalIgnoreCase)) names.Add(new(IdentifierType.Ip, san[3..]));
            }
        }
        else if (OrderInput.Csr(order.Csr) is { IsError: false, Value: { } csr })
        {
            foreach (var san in csr.RequestedSans)
            {
                if (san.Type == SanType.Dns) names.Add(new(IdentifierType.Dns, san.Value.ToLowerInvariant()));
                else if (san.Type == SanType.Ip) names.Add(new(IdentifierType.Ip, san.Value));
            }
        }
        return names.DistinctBy(n => n.Value).ToList();
    }

    public static Identifier IdentifierOf(string name) =>
        IPAddress.TryParse(name, out _) ? new(IdentifierType.Ip, name) : new(IdentifierType.Dns, name);

    /// <summary>
    /// Brings the order's per-name rows up to date and returns them: a row for every name not yet there (valid when
    /// already covered, otherwise pending with a fresh challenge in <paramref name="method"/> or dns-txt), and pending
    /// rows re-checked against newer proof. Nothing when the product needs no DCV or the names are not known yet.
    /// </summary>
    public async Task<Result<IReadOnlyList<OrderValidation>>> PrepareAsync(Order order, Product product, ValidationMethod? method, CancellationToken ct)
    {
        if (!await RequiredAsync(product, ct)) return Array.Empty<OrderValidation>();
        var names = Names(order);
        if (names.Count == 0) return Array.Empty<OrderValidation>();
        var rows = (await store.ListAsync(order.Id, ct)).ToList();
        var now = clock.GetUtcNow();
        IReadOnlyList<Domain>? verified = null;

        var added = new List<OrderValidation>();
        foreach (var id in names.Where(n => rows.All(r => r.Name != n.Value)))
        {
            verified ??= await domains.ListAsync(order.AccountId, ct);
            if (await CoveredAsync(order.AccountId, id, verified, ct) is { } covered)
            {
                added.Add(covered with { OrderId = order.Id, Name = id.Value, CreatedAt = now, UpdatedAt = now });
                continue;
            }
            var pending = new OrderValidation(order.Id, id.Value, MethodFor(id, method), OrderValidationStatus.Pending, null, null, null, now, now);
            var challenge = await NewChallengeAsync(pending, order.AccountId, ct);
            // An email method that cannot send (no published contact, say) must not leave the paid order without a
            // way forward: the name falls back to the file or DNS method, and the reason is shown.
            if (challenge.IsError)
                challenge = (await NewChallengeAsync(pending with { Method = MethodFor(id, null) }, order.AccountId, ct)).Value with { Reason = challenge.Error.Detail };
            added.Add(challenge.Value);
        }
        if (added.Count > 0)
        {
            await store.AddAsync(added, ct);
            rows = (await store.ListAsync(order.Id, ct)).ToList();
        }

        // Proof that arrived since (a verified domain, another order's validation of the same account) covers pending names.
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Status == OrderValidationStatus.Valid) continue;
            verified ??= await domains.ListAsync(order.AccountId, ct);
            if (await CoveredAsync(order.AccountId, IdentifierOf(rows[i].Name), verified, ct) is not { } covered) continue;
            var valid = rows[i] with
            {
                Status = OrderValidationStatus.Valid, Token = null, RandomValue = null, EmailChallengeId = null, Reason = null, UpdatedAt = Later(rows[i].UpdatedAt),
                Source = covered.Source, EvidenceId = covered.EvidenceId, ValidatedAt = covered.ValidatedAt,
            };
            if (await store.UpdateAsync(valid, rows[i].UpdatedAt, ct)) rows[i] = valid;
        }
        return rows;
    }

    /// <summary>The names still pending (and so blocking issuance); empty when the product needs no DCV.</summary>
    public async Task<Result<IReadOnlyList<string>>> PendingAsync(Order order, Product product, CancellationToken ct)
    {
        var rows = await PrepareAsync(order, product, null, ct);
        if (rows.IsError) return rows.Error;
        return rows.Value.Where(r => r.Status == OrderValidationStatus.Pending).Select(r => r.Name).ToList();
    }

    /// <summary>
    /// BR 3.2.2.8 / RFC 8659, right before signing: every DNS name of an order whose product needs DCV is checked for
    /// CAA through the validation authority (all perspectives). The first refusal is returned. RFC 8657 §4: each name's
    /// CAA validationmethods is checked against the method its valid row holds: the challenge it passed, or the method of
    /// the reused validation or verified domain that covered it.
    /// </summary>
    public async Task<CastellanError?> CheckCaaAsync(Order order, Product product, CancellationToken ct)
    {
        if (!await RequiredAsync(product, ct)) return null;
        var proved = (await store.ListAsync(order.Id, ct)).Where(r => r.Status == OrderValidationStatus.Valid)
            .ToDictionary(r => r.Name, r => r.Method, StringComparer.OrdinalIgnoreCase);
        return await CheckCaaAsync(Names(order), n => new CaaRequester(null, proved.TryGetValue(n.Value, out var m) ? m : null), ct);
    }

    /// <summary>The CAA check for names whose proof the caller knows (<paramref name="requester"/> per name).</summary>
    public async Task<CastellanError?> CheckCaaAsync(IEnumerable<Identifier> names, Func<Identifier, CaaRequester> requester, CancellationToken ct)
    {
        foreach (var name in names.Where(n => n.Type == IdentifierType.Dns))
        {
            var caa = await va.CheckCaaAsync(name, requester(name), ct);
            if (caa.IsError) return caa.Error;
            if (!caa.Value.Permitted) return new CaaForbids(name, $"CAA records for {caa.Value.RelevantDomain ?? name.Value} forbid issuance");
        }
        return null;
    }

    /// <summary>What GET /orders/{id} and the tracking page show; read-only.</summary>
    public async Task<OrderDomainValidationState> DescribeAsync(Order order, CancellationToken ct)
    {
        var rows = await store.ListAsync(order.Id, ct);
        var product = await products.GetAsync(order.ProductId, ct);
        var required = rows.Count > 0 || (product is not null && await RequiredAsync(product, ct));
        var complete = !required || (rows.Count > 0 && rows.All(r => r.Status == OrderValidationStatus.Valid) && rows.Count >= Names(order).Count);
        return new OrderDomainValidationState(required, complete, rows);
    }

    /// <summary>A fresh value (file, TXT) or a sent email for a pending row; the previous challenge is dropped.</summary>
    internal async Task<Result<OrderValidation>> NewChallengeAsync(OrderValidation row, string accountId, CancellationToken ct)
    {
        var cleared = row with { Token = null, RandomValue = null, EmailChallengeId = null, Recipients = [], ValueExpiresAt = null, Reason = null };
        if (row.Method is ValidationMethod.HttpFile or ValidationMethod.DnsTxt)
            return cleared with { Token = RandomValues.New(), RandomValue = RandomValues.New() };
        var sent = await email.SendAsync(IdentifierOf(row.Name) is { IsWildcard: true } w ? new(IdentifierType.Dns, w.BaseName) : IdentifierOf(row.Name), row.Method, accountId, ct);
        if (sent.IsError) return sent.Error;
        return cleared with { EmailChallengeId = sent.Value.ChallengeId, Recipients = sent.Value.Recipients, ValueExpiresAt = sent.Value.ExpiresAt };
    }

    /// <summary>
    /// The method a name can actually use: IP addresses only by the file method (RFC 8738, BR 3.2.2.5), wildcards never
    /// by it (BR 3.2.2.4.18); dns-txt by default.
    /// </summary>
    internal static ValidationMethod MethodFor(Identifier id, ValidationMethod? wanted)
    {
        if (id.Type == IdentifierType.Ip) return ValidationMethod.HttpFile;
        var m = wanted ?? ValidationMethod.DnsTxt;
        return id.IsWildcard && m == ValidationMethod.HttpFile ? ValidationMethod.DnsTxt : m;
    }

    /// <summary>A strictly later timestamp, so an optimistic update always changes the row's version.</summary>
    internal DateTimeOffset Later(DateTimeOffset previous)
    {
        var now = clock.GetUtcNow();
        return now > previous ? now : previous.AddMilliseconds(1);
    }

    private async Task<OrderValidation?> CoveredAsync(string accountId, Identifier id, IReadOnlyList<Domain> verified, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (await va.FindReusableAsync(accountId, id, ct) is { } evidence)
            return Valid(evidence.Method, "reused-validation", evidence.Id, evidence.ValidatedAt, now);
        // A verified domain (seed 003 "Domains") covers the name itself, and its subdomains when its method proves the
        // whole Authorization Domain Name; it must still be inside the reuse window in force now.
        var domain = verified.FirstOrDefault(d => d.StatusAt(now) == DomainStatus.Verified && d.VerifiedAt is { } at
            && DomainValidationReuse.IsReusable(at, now) && DomainValidationReuse.Covers(d.Name, d.Method, id));
        return domain is null ? null : Valid(domain.Method, "verified-domain", domain.EvidenceId, domain.VerifiedAt!.Value, now);
    }

    private static OrderValidation Valid(ValidationMethod method, string source, string? evidence, DateTimeOffset at, DateTimeOffset now) =>
        new("", "", method, OrderValidationStatus.Valid, null, null, null, now, now) { Source = source, EvidenceId = evidence, ValidatedAt = at };
}
