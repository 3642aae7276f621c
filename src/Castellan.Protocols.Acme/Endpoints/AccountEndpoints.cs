using System.Text.Json;
using Castellan.Protocols.Acme.Contracts;
using Castellan.Protocols.Acme.Messages;
using Castellan.Protocols.Acme.Problems;
using Microsoft.AspNetCore.Http;

namespace Castellan.Protocols.Acme.Endpoints;

/// <summary>RFC 8555 §7.3 account management: newAccount, update, deactivation, the orders list.</summary>
internal static class AccountEndpoints
{
    private const int MaxContacts = 10;

    /// <summary>§7.3: 201 with Location for a new account, 200 with Location for the key's existing one.</summary>
    public static async Task<IResult> NewAccountAsync(HttpContext http, AcmeServices s)
    {
        var dir = AcmeEndpoints.Dir(http, s);
        var read = await s.Reader.ReadAsync(http, dir, KeyMode.Jwk);                                  // 1. JWS signed by the new key
        if (read.IsError) return AcmeProblems.Result(read.Error);
        var r = read.Value;
        if (r.PostAsGet) return AcmeProblems.Result(new MalformedInput("newAccount needs a JSON payload"));
        var p = r.Payload;

        var existing = await s.Store.FindAccountByKeyAsync(r.Key.Thumbprint, http.RequestAborted);     // 2. one key, one account
        if (existing is not null && existing.Directory == dir.Name)
        {
            if (existing.Status != AcmeStatus.Valid) return AcmeProblems.Result(new Unauthorized($"the account of this key is {existing.Status}"));
            return AcmeResponses.Object(AcmeResponses.Account(s.Urls, existing), 200, s.Urls.Account(dir.Name, existing.Id));
        }
        if (existing is not null) return AcmeProblems.Result(new KeyInUse("this key belongs to an account of another directory", s.Urls.Account(existing.Directory, existing.Id)));
        if (Bool(p, "onlyReturnExisting") == true) return AcmeProblems.Result(new AccountDoesNotExist("no account exists for this key"));

        var contact = Contacts(p);                                                                     // 3. the new account's fields
        if (contact.IsError) return AcmeProblems.Result(contact.Error);
        var agreed = Bool(p, "termsOfServiceAgreed") == true;
        if (s.Options.TermsOfService is not null && !agreed)
            return AcmeProblems.Result(new MalformedInput("the terms of service must be agreed (termsOfServiceAgreed: true)"));

        EabCredential? credential = null;                                                              // 4. RFC 8555 §7.3.4
        if (p.TryGetProperty("externalAccountBinding", out var binding))
        {
            var verified = await s.Eab.VerifyAsync(binding, r.Key, s.Urls.NewAccount(dir.Name), http.RequestAborted);
            if (verified.IsError) return AcmeProblems.Result(verified.Error);
            credential = verified.Value;
        }
        else if (dir.RequireExternalAccountBinding)
        {
            return AcmeProblems.Result(new ExternalAccountRequired("this directory requires an externalAccountBinding"));
        }

        if (s.Limits.NewAccount(http.Connection.RemoteIpAddress?.ToString()) is { } limited) return AcmeProblems.Result(limited); // 5. per source address

        var account = new AcmeAccount(AcmeServices.NewId("acct_"), dir.Name, r.Key.Thumbprint, r.Key.Canonical, AcmeStatus.Valid, contact.Value, agreed, s.Now)
        {
            RaAccountId = credential?.AccountId, RaGroupId = credential?.GroupId, ProductId = credential?.ProductId, EabKeyId = credential?.KeyId,
        };
        if (!await s.Store.AddAccountAsync(account, http.RequestAborted))                              // 6. a racing newAccount with the same key won
        {
            var winner = await s.Store.FindAccountByKeyAsync(r.Key.Thumbprint, http.RequestAborted);
            if (winner is null) return AcmeProblems.Result(new Conflict("the account could not be created; retry"));
            return AcmeResponses.Object(AcmeResponses.Account(s.Urls, winner), 200, s.Urls.Account(winner.Directory, winner.Id));
        }
        s.Accounts.Put(account, r.Key);
        return AcmeResponses.Object(AcmeResponses.Account(s.Urls, account), 201, s.Urls.Account(dir.Name, account.Id));
    }

    /// <summary>§7.3.2 update (contact), §7.3.6 deactivation, or POST-as-GET of the account.</summary>
    public static async Task<IResult> UpdateAsync(string id, HttpContext http, AcmeServices s)
    {
        var dir = AcmeEndpoints.Dir(http, s);
        var read = await s.Reader.ReadAsync(http, dir, KeyMode.Kid);
        if (read.IsError) return AcmeProblems.Result(read.Error);
        var r = read.Value;
        var account = r.Account!;
        if (account.Id != id) return AcmeProblems.Result(new Unauthorized("the request is signed for another account"));
        var location = s.Urls.Account(dir.Name, id);
        if (r.PostAsGet) return AcmeResponses.Object(AcmeResponses.Account(s.Urls, account), 200, location);

        IReadOnlyList<string>? contact = null;
        if (r.Payload.TryGetProperty("contact", out _))
        {
            var c = Contacts(r.Payload);
            if (c.IsError) return AcmeProblems.Result(c.Error);
            contact = c.Value;
        }
        string? status = null;
        if (r.Payload.TryGetProperty("status", out var st))
        {
            if (st.ValueKind != JsonValueKind.String || st.GetString() != AcmeStatus.Deactivated)
                return AcmeProblems.Result(new MalformedInput("a client may only set the account status to 'deactivated'"));
            status = AcmeStatus.Deactivated;
        }
        if (contact is null && status is null) return AcmeResponses.Object(AcmeResponses.Account(s.Urls, account), 200, location);
        if (!await s.Store.UpdateAccountAsync(id, contact, status, http.RequestAborted))
            return AcmeProblems.Result(new Unauthorized("the account is no longer valid"));
        s.Accounts.Forget(id);
        var updated = account with { Contact = contact ?? account.Contact, Status = status ?? account.Status };
        return AcmeResponses.Object(AcmeResponses.Account(s.Urls, updated), 200, location);
    }

    /// <summary>§7.1.2.1 the account's orders, 100 a page, with Link rel="next".</summary>
    public static async Task<IResult> OrdersAsync(string id, int? cursor, HttpContext http, AcmeServices s)
    {
        var dir = AcmeEndpoints.Dir(http, s);
        var read = await s.Reader.ReadAsync(http, dir, KeyMode.Kid);
        if (read.IsError) return AcmeProblems.Result(read.Error);
        if (read.Value.Account!.Id != id) return AcmeProblems.Result(new Unauthorized("these are another account's orders"));
        const int Page = 100;
        var skip = Math.Max(0, cursor ?? 0);
        var ids = await s.Store.ListOrderIdsAsync(id, skip, Page + 1, http.RequestAborted);
        if (ids.Count > Page) http.Response.Headers.Append("Link", $"<{s.Urls.Orders(dir.Name, id)}?cursor={skip + Page}>;rel=\"next\"");
        return AcmeResponses.Object(new { orders = ids.Take(Page).Select(o => s.Urls.Order(dir.Name, o)).ToList() });
    }

    /// <summary>RFC 8555 §7.3: "mailto:" URLs only, one address each, no hfields (RFC 6068).</summary>
    private static Result<IReadOnlyList<string>> Contacts(JsonElement payload)
    {
        if (!payload.TryGetProperty("contact", out var c) || c.ValueKind == JsonValueKind.Null) return Array.Empty<string>();
        if (c.ValueKind != JsonValueKind.Array) return new MalformedInput("'contact' must be an array of URLs");
        var list = new List<string>();
        foreach (var item in c.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) return new MalformedInput("'contact' must be an array of URLs");
            var url = item.GetString()!;
            if (!url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)) return new UnsupportedContact($"'{url}': only mailto: contacts are supported");
            var address = url[7..];
            if (address.Length is 0 or > 254 || address.Contains(',') || address.Contains('?') || address.Count(ch => ch == '@') != 1 || address.Any(ch => ch <= ' ' || ch > '~')
                || address.StartsWith('@') || address.EndsWith('@'))
                return new InvalidContact($"'{url}' is not a single email address");
            list.Add("mailto:" + address);
        }
        if (list.Count > MaxContacts) return new MalformedInput($"at most {MaxContacts} contacts");
        return list;
    }

    private static bool? Bool(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var v) ? v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null } : null;
}
