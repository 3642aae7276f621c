using Castellan.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Castellan.Protocols.Acme.Endpoints;

/// <summary>RFC 8555 §7.1.1 directory, with RFC 9773 renewalInfo and the ACME profiles extension in meta.</summary>
internal static class DirectoryEndpoint
{
    public static IResult Handle(HttpContext http, AcmeServices s)
    {
        var d = AcmeEndpoints.Dir(http, s);
        var u = s.Urls;
        var o = s.Options;
        var meta = new Dictionary<string, object?>
        {
            ["externalAccountRequired"] = d.RequireExternalAccountBinding,
            ["profiles"] = d.Profiles.ToDictionary(p => p.Name, p => p.Description),
        };
        if (o.TermsOfService is { } tos) meta["termsOfService"] = tos;
        if (o.Website is { } site) meta["website"] = site;
        // One setting for one fact: the identities advertised are the ones the validation authority checks CAA against.
        var caa = http.RequestServices.GetRequiredService<IOptions<ValidationOptions>>().Value.CaaIdentities;
        if (caa.Count > 0) meta["caaIdentities"] = caa;
        return AcmeResponses.Object(new Dictionary<string, object?>
        {
            ["newNonce"] = u.NewNonce(d.Name),
            ["newAccount"] = u.NewAccount(d.Name),
            ["newOrder"] = u.NewOrder(d.Name),
            ["revokeCert"] = u.RevokeCert(d.Name),
            ["keyChange"] = u.KeyChange(d.Name),
            ["renewalInfo"] = u.RenewalInfo(d.Name),
            ["meta"] = meta,
        });
    }
}

/// <summary>RFC 8555 §7.2: HEAD answers 200, GET 204; the nonce is in the header the group filter adds.</summary>
internal static class NonceEndpoint
{
    public static IResult Handle(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        return HttpMethods.IsHead(http.Request.Method) ? Results.Ok() : Results.NoContent();
    }
}
