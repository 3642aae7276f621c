using Castellan.Registration.Contracts;
using Castellan.Registration.Domains;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Domains;

/// <summary>
/// Seed 003 "Domains" (docs/flows/domains.md): add, choose the method, verify, status and expiry; restricted domains.
/// The RA's <see cref="DomainService"/> decides, audits and scopes to the caller's tenant; these handlers only
/// translate HTTP.
/// </summary>
internal static class DomainEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/domains").WithTags("Domains");
        g.MapPost("", async (AddDomainBody? body, HttpContext http, DomainService domains, TimeProvider clock, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var added = await domains.AddAsync(http.Caller(), body.AccountId, body.Name, body.Method, http.Origin(), ct);
            return added.IsError ? ProblemResults.From(added.Error) : Results.Created($"/api/v1/domains/{added.Value.Id}", DomainView.From(added.Value, clock.GetUtcNow()));
        }).RequirePermission(Permission.DomainsManage).WithSummary("Add a domain with a DCV method (http-file, dns-txt, email, caa-contact-email, txt-contact-email); returns what to publish");

        g.MapGet("", async (string? account, HttpContext http, DomainService domains, TimeProvider clock, CancellationToken ct) =>
        {
            var list = await domains.ListAsync(http.Caller(), account, ct);
            var now = clock.GetUtcNow();
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(d => DomainView.From(d, now)).ToList());
        }).RequirePermission(Permission.DomainsManage).WithSummary("Domains of an account with status (pending, verified, expired, rejected) and expiry");

        g.MapGet("/{id}", async (string id, HttpContext http, DomainService domains, TimeProvider clock, CancellationToken ct) =>
            Reply(await domains.GetAsync(http.Caller(), id, ct), clock))
            .RequirePermission(Permission.DomainsManage).WithSummary("One domain");

        g.MapPost("/{id}/verify", async (string id, VerifyBody? body, HttpContext http, DomainService domains, TimeProvider clock, CancellationToken ct) =>
            Reply(await domains.VerifyAsync(http.Caller(), id, body?.Value, http.Origin(), ct), clock))
            .RequirePermission(Permission.DomainsManage).WithSummary("Check the published value, or submit the emailed value ({\"value\":...})");

        g.MapPost("/{id}/resend", async (string id, HttpContext http, DomainService domains, TimeProvider clock, CancellationToken ct) =>
            Reply(await domains.ResendAsync(http.Caller(), id, http.Origin(), ct), clock))
            .RequirePermission(Permission.DomainsManage).WithSummary("Email a new validation value (email methods); the old one stops working");

        g.MapPut("/{id}/method", async (string id, MethodBody? body, HttpContext http, DomainService domains, TimeProvider clock, CancellationToken ct) =>
            Reply(await domains.ChangeMethodAsync(http.Caller(), id, body?.Method, http.Origin(), ct), clock))
            .RequirePermission(Permission.DomainsManage).WithSummary("Change the DCV method; a new value is issued and the domain is pending again");

        g.MapDelete("/{id}", async (string id, HttpContext http, DomainService domains, CancellationToken ct) =>
        {
            var deleted = await domains.DeleteAsync(http.Caller(), id, http.Origin(), ct);
            return deleted.IsError ? ProblemResults.From(deleted.Error) : Results.NoContent();
        }).RequirePermission(Permission.DomainsManage).WithSummary("Remove a domain");

        var r = g.MapGroup("/restricted");
        r.MapGet("", async (string? account, HttpContext http, DomainService domains, CancellationToken ct) =>
        {
            var list = await domains.ListRestrictionsAsync(http.Caller(), account, ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(RestrictionView.From).ToList());
        }).RequirePermission(Permission.DomainsManage).WithSummary("Domains this account's orders may not name");

        r.MapPost("", async (RestrictionBody? body, HttpContext http, DomainService domains, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var added = await domains.RestrictAsync(http.Caller(), body.AccountId, body.Name, http.Origin(), ct);
            return added.IsError ? ProblemResults.From(added.Error) : Results.Created($"/api/v1/domains/restricted/{added.Value.Name}", RestrictionView.From(added.Value));
        }).RequirePermission(Permission.SettingsManage).WithSummary("Restrict a domain (and its subdomains) from this account's orders");

        r.MapDelete("/{name}", async (string name, string? account, HttpContext http, DomainService domains, CancellationToken ct) =>
        {
            var removed = await domains.UnrestrictAsync(http.Caller(), account, name, http.Origin(), ct);
            return removed.IsError ? ProblemResults.From(removed.Error) : Results.NoContent();
        }).RequirePermission(Permission.SettingsManage).WithSummary("Lift a restriction");
    }

    private static IResult Reply(Result<Domain> result, TimeProvider clock) =>
        result.IsError ? ProblemResults.From(result.Error) : Results.Ok(DomainView.From(result.Value, clock.GetUtcNow()));
}
