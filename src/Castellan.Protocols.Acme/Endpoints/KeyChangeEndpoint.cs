using System.Text.Json;
using Castellan.Protocols.Acme.Messages;
using Castellan.Protocols.Acme.Problems;
using Microsoft.AspNetCore.Http;

namespace Castellan.Protocols.Acme.Endpoints;

/// <summary>
/// RFC 8555 §7.3.5 account key rollover: the outer JWS is signed by the account's current key (kid); its payload is
/// an inner JWS signed by the new key (jwk) whose payload names the account and the old key. The inner JWS has the
/// same url and no nonce. A new key already used by another account is refused with 409 and that account's URL.
/// </summary>
internal static class KeyChangeEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, AcmeServices s)
    {
        var dir = AcmeEndpoints.Dir(http, s);
        var read = await s.Reader.ReadAsync(http, dir, KeyMode.Kid);
        if (read.IsError) return AcmeProblems.Result(read.Error);
        var outer = read.Value;
        if (outer.PostAsGet) return AcmeProblems.Result(new MalformedInput("keyChange needs an inner JWS payload"));
        var inner = FlattenedJws.Parse(outer.Payload, requireNonce: false);
        if (inner.IsError) return AcmeProblems.Result(inner.Error);
        var i = inner.Value;
        if (i.Jwk is null) return AcmeProblems.Result(new MalformedInput("the inner JWS must carry the new key as 'jwk'"));
        if (i.Nonce is not null || outer.Payload.TryGetProperty("header", out _)) return AcmeProblems.Result(new MalformedInput("the inner JWS must not carry a nonce"));
        if (i.Url != outer.Url) return AcmeProblems.Result(new MalformedInput("the inner JWS url differs from the outer one"));
        if (!i.Jwk.Fits(i.Alg) || !i.Jwk.Verify(i.Alg, i.SigningInput, i.Signature)) return AcmeProblems.Result(new MalformedInput("the inner JWS signature does not verify"));

        var account = outer.Account!;
        var accountUrl = s.Urls.Account(dir.Name, account.Id);
        var p = i.PayloadJson;
        if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty("account", out var a) || a.ValueKind != JsonValueKind.String || a.GetString() != accountUrl)
            return AcmeProblems.Result(new MalformedInput("the inner payload 'account' is not the signing account"));
        if (!p.TryGetProperty("oldKey", out var oldKey) || Jws.Jwk.Parse(oldKey) is not { } old || old.Thumbprint != account.KeyThumbprint)
            return AcmeProblems.Result(new MalformedInput("the inner payload 'oldKey' is not the account's current key"));

        if (await s.Store.FindAccountByKeyAsync(i.Jwk.Thumbprint, http.RequestAborted) is { } holder)
            return AcmeProblems.Result(new KeyInUse("the new key already belongs to an account", s.Urls.Account(holder.Directory, holder.Id)));
        if (!await s.Store.ChangeKeyAsync(account.Id, account.KeyThumbprint, i.Jwk.Thumbprint, i.Jwk.Canonical, http.RequestAborted))
            return AcmeProblems.Result(new Conflict("the account key changed meanwhile or the new key was taken"));
        s.Accounts.Forget(account.Id);
        var updated = account with { KeyThumbprint = i.Jwk.Thumbprint, Jwk = i.Jwk.Canonical };
        return AcmeResponses.Object(AcmeResponses.Account(s.Urls, updated), 200, accountUrl);
    }
}
