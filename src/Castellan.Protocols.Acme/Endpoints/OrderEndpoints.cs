using System.Globalization;
using System.Text.Json;
using Castellan.Protocols.Acme.Challenges;
using Castellan.Protocols.Acme.Contracts;
using Castellan.Protocols.Acme.Messages;
using Castellan.Protocols.Acme.Problems;
using Castellan.Protocols.Acme.RenewalInfo;
using Castellan.Validation.Contracts;
using Microsoft.AspNetCore.Http;

namespace Castellan.Protocols.Acme.Endpoints;

/// <summary>RFC 8555 §7.4 newOrder and the order resource; certificate download (§7.4.2).</summary>
internal static class OrderEndpoints
{
    public static async Task<IResult> NewOrderAsync(HttpContext http, AcmeServices s)
    {
        var dir = AcmeEndpoints.Dir(http, s);
        var read = await s.Reader.ReadAsync(http, dir, KeyMode.Kid);                                   // 1. the account's JWS
        if (read.IsError) return AcmeProblems.Result(read.Error);
        var r = read.Value;
        var account = r.Account!;
        if (r.PostAsGet) return AcmeProblems.Result(new MalformedInput("newOrder needs a JSON payload"));
        var p = r.Payload;

        var identifiers = Identifiers(p);                                                              // 2. identifiers, normalised
        if (identifiers.IsError) return AcmeProblems.Result(identifiers.Error);

        string? profileName = null;                                                                    // 3. profile (ACME profiles extension)
        if (p.TryGetProperty("profile", out var pr))
        {
            if (pr.ValueKind != JsonValueKind.String) return AcmeProblems.Result(new MalformedInput("'profile' must be a string"));
            profileName = pr.GetString();
        }
        var profile = dir.Profile(profileName);
        if (profile is null) return AcmeProblems.Result(new InvalidProfile($"no profile '{profileName}' in this directory ({string.Join(", ", dir.Profiles.Select(x => x.Name))})"));

        var now = s.Now;                                                                               // 4. notBefore/notAfter per profile
        var notBefore = Time(p, "notBefore");
        var notAfter = Time(p, "notAfter");
        if (notBefore.IsError) return AcmeProblems.Result(notBefore.Error);
        if (notAfter.IsError) return AcmeProblems.Result(notAfter.Error);
        if ((notBefore.Value ?? notAfter.Value) is not null)
        {
            if (!profile.AllowValidityRequest) return AcmeProblems.Result(new MalformedInput($"profile '{profile.Name}' does not accept notBefore/notAfter"));
            if (notAfter.Value is { } na && (na <= now || (notBefore.Value is { } nb && nb >= na)))
                return AcmeProblems.Result(new MalformedInput("notAfter must be in the future and after notBefore"));
        }

        string? replaces = null;                                                                       // 5. RFC 9773 §5 replaces
        if (p.TryGetProperty("replaces", out var rep))
        {
            if (rep.ValueKind != JsonValueKind.String || CertId.Parse(rep.GetString()) is not { } certId) return AcmeProblems.Result(new MalformedInput("'replaces' is not an ARI certificate identifier"));
            var replaced = await s.Store.FindOrderByCertificateAsync(certId.SerialHex, http.RequestAborted);
            if (replaced is null || replaced.AccountId != account.Id) return AcmeProblems.Result(new MalformedInput("'replaces' names no certificate of this account"));
            replaces = rep.GetString();
        }

        if (s.Limits.NewOrder(account.Id) is { } limited) return AcmeProblems.Result(limited);          // 6. per account

        var orderId = AcmeServices.NewId("ord_");                                                      // 7. authorizations, reusing earlier proof
        var authzs = new List<AcmeAuthorization>(identifiers.Value.Count);
        var validationAccount = AcmeServices.ValidationAccount(account);
        foreach (var id in identifiers.Value)
        {
            var types = id.Type == IdentifierType.Ip ? ChallengeRunner.IpTypes : id.IsWildcard ? ChallengeRunner.WildcardTypes : ChallengeRunner.DnsTypes;
            var reusable = await s.Va.FindReusableAsync(validationAccount, new Identifier(id.Type, id.BaseName), http.RequestAborted);
            var reuse = reusable is not null && (!id.IsWildcard || reusable.Method == ValidationMethod.Dns01);
            authzs.Add(new AcmeAuthorization(AcmeServices.NewId("az_"), orderId, account.Id, id, reuse ? AcmeStatus.Valid : AcmeStatus.Pending,
                reuse ? reusable!.ReusableUntil : now + s.Options.AuthorizationLifetime, types, AcmeServices.NewToken())
            {
                // RFC 8657 §4: the reused proof's method is what CAA validationmethods is checked against at finalize.
                ValidatedAt = reuse ? reusable!.ValidatedAt : null, ValidatedBy = reuse ? reusable!.Method : null, EvidenceId = reuse ? reusable!.Id : null,
            });
        }
        var expires = now + s.Options.OrderLifetime;
        var order = new AcmeOrder(orderId, account.Id, dir.Name, authzs.All(a => a.Status == AcmeStatus.Valid) ? AcmeStatus.Ready : AcmeStatus.Pending,
            authzs.Min(a => a.Expires) is var first && first < expires ? first : expires, identifiers.Value, authzs.Select(a => a.Id).ToList(), profile.Name, now)
        {
            NotBefore = notBefore.Value, NotAfter = notAfter.Value, Replaces = replaces,
        };
        await s.Store.AddOrderAsync(order, authzs, http.RequestAborted);                               // 8. one transaction
        return AcmeResponses.Object(AcmeResponses.Order(s.Urls, order, now), 201, s.Urls.Order(dir.Name, orderId));
    }

    /// <summary>POST-as-GET of an order; Retry-After while it is processing (§7.4).</summary>
    public static async Task<IResult> GetAsync(string id, HttpContext http, AcmeServices s)
    {
        var dir = AcmeEndpoints.Dir(http, s);
        var read = await s.Reader.ReadAsync(http, dir, KeyMode.Kid);
        if (read.IsError) return AcmeProblems.Result(read.Error);
        var order = await s.Store.GetOrderAsync(id, http.RequestAborted);
        if (order is null || order.AccountId != read.Value.Account!.Id || order.Directory != dir.Name) return AcmeProblems.Result(new AcmeNotFound("no such order"));
        return AcmeResponses.Object(AcmeResponses.Order(s.Urls, order, s.Now), 200, s.Urls.Order(dir.Name, id),
            retryAfter: AcmeResponses.EffectiveStatus(order, s.Now) is AcmeStatus.Processing or AcmeStatus.Pending ? 1 : null);
    }

    /// <summary>§7.4.2: application/pem-certificate-chain, leaf first; Link rel="up" to the issuer's certificate.</summary>
    public static async Task<IResult> CertificateAsync(string id, HttpContext http, AcmeServices s)
    {
        var dir = AcmeEndpoints.Dir(http, s);
        var read = await s.Reader.ReadAsync(http, dir, KeyMode.Kid);
        if (read.IsError) return AcmeProblems.Result(read.Error);
        var order = await s.Store.GetOrderAsync(id, http.RequestAborted);
        if (order?.CertificateChain is null || order.AccountId != read.Value.Account!.Id || order.Directory != dir.Name)
            return AcmeProblems.Result(new AcmeNotFound("no such certificate"));
        if (order.CaId is { } ca) http.Response.Headers.Append("Link", $"<{s.Urls.Issuer(ca)}>;rel=\"up\"");
        return Results.Text(order.CertificateChain, "application/pem-certificate-chain");
    }

    private static Result<IReadOnlyList<Identifier>> Identifiers(JsonElement p)
    {
        if (!p.TryGetProperty("identifiers", out var ids) || ids.ValueKind != JsonValueKind.Array || ids.GetArrayLength() == 0)
            return new MalformedInput("'identifiers' must be a non-empty array");
        if (ids.GetArrayLength() > AcmeIdentifiers.MaxPerOrder) return new RejectedIdentifier($"at most {AcmeIdentifiers.MaxPerOrder} identifiers per order");
        var list = new List<Identifier>();
        foreach (var e in ids.EnumerateArray())
        {
            var id = AcmeIdentifiers.Parse(e);
            if (id.IsError) return id.Error;
            if (!list.Contains(id.Value)) list.Add(id.Value);
        }
        return list;
    }

    private static Result<DateTimeOffset?> Time(JsonElement p, string name)
    {
        if (!p.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return (DateTimeOffset?)null;
        if (v.ValueKind != JsonValueKind.String || !DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            return new MalformedInput($"'{name}' is not an RFC 3339 date-time");
        return t.ToUniversalTime();
    }
}

internal static class CertificateEndpoint
{
    public static Task<IResult> HandleAsync(string id, HttpContext http, AcmeServices s) => OrderEndpoints.CertificateAsync(id, http, s);
}
