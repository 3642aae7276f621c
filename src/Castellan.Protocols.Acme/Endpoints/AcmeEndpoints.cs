using Castellan.Protocols.Acme.Directory;
using Castellan.Protocols.Acme.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Castellan.Protocols.Acme.Endpoints;

/// <summary>
/// The ACME resources of RFC 8555 §7.1, one set per directory under /acme/{dir}/ ("default" for /acme/directory).
/// Every response carries a fresh Replay-Nonce (§6.5), Cache-Control: no-store on nonces, and Link rel="index"
/// to its directory (§7.1).
/// </summary>
internal static class AcmeEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var acme = endpoints.MapGroup("/acme").WithTags("ACME").ExcludeFromDescription().AddEndpointFilter(async (ctx, next) =>
        {
            var http = ctx.HttpContext;
            var s = http.RequestServices.GetRequiredService<AcmeServices>();
            var name = http.Request.RouteValues["dir"] as string ?? AcmeDirectories.DefaultName;
            if (s.Directories.Find(name) is null) return AcmeProblems.Result(new Problems.AcmeNotFound($"no ACME directory '{name}'"));
            http.Response.Headers["Replay-Nonce"] = await s.Nonces.IssueAsync(http.RequestAborted);
            http.Response.Headers.Append("Link", $"<{s.Urls.Directory(name)}>;rel=\"index\"");
            return await next(ctx);
        });

        acme.MapGet("/directory", DirectoryEndpoint.Handle);
        var dir = acme.MapGroup("/{dir}");
        dir.MapGet("/directory", DirectoryEndpoint.Handle);
        dir.MapMethods("/new-nonce", ["HEAD", "GET"], NonceEndpoint.Handle);
        dir.MapPost("/new-account", AccountEndpoints.NewAccountAsync);
        dir.MapPost("/acct/{id}", AccountEndpoints.UpdateAsync);
        dir.MapPost("/acct/{id}/orders", AccountEndpoints.OrdersAsync);
        dir.MapPost("/key-change", KeyChangeEndpoint.HandleAsync);
        dir.MapPost("/new-order", OrderEndpoints.NewOrderAsync);
        dir.MapPost("/order/{id}", OrderEndpoints.GetAsync);
        dir.MapPost("/order/{id}/finalize", FinalizeEndpoint.HandleAsync);
        dir.MapPost("/authz/{id}", AuthorizationEndpoints.AuthorizationAsync);
        dir.MapPost("/chall/{id}/{type}", AuthorizationEndpoints.ChallengeAsync);
        dir.MapPost("/cert/{id}", CertificateEndpoint.HandleAsync);
        dir.MapPost("/revoke-cert", RevokeCertEndpoint.HandleAsync);
        dir.MapGet("/renewal-info/{certId}", RenewalInfoEndpoint.HandleAsync);
        // RFC 8555 §7.1: GET on a POST-as-GET resource is refused (405); the minimal API answers 405 by itself.
    }

    public static AcmeDirectory Dir(HttpContext http, AcmeServices s) =>
        s.Directories.Find(http.Request.RouteValues["dir"] as string ?? AcmeDirectories.DefaultName)!;
}
