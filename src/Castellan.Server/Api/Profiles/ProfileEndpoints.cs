using Castellan.Authority.Contracts;
using Castellan.Authority.Profiles;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Profiles;

internal static class ProfileEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/profiles").WithTags("Profiles");
        g.MapGet("", async (ProfileCatalog catalog, CancellationToken ct) => Results.Ok(await catalog.ListAsync(ct)));
        g.MapGet("/{id}", async (string id, ProfileCatalog catalog, CancellationToken ct) =>
            await catalog.FindAsync(id, ct) is { IsError: false } p ? Results.Ok(p.Value) : ProblemResults.From(new NotFound("profile", $"profile '{id}' does not exist")));
        g.MapPost("", async (CertificateProfile? profile, HttpContext http, ProfileCatalog catalog, CancellationToken ct) =>
        {
            if (profile is null) return ProblemResults.BadRequest("a profile JSON body is required");
            var added = await catalog.AddAsync(profile, http.Caller().Actor, ct);
            return added.IsError ? ProblemResults.From(added.Error) : Results.Created($"/api/v1/profiles/{added.Value.Id}", added.Value);
        }).WithSummary("Add an operator profile");
    }
}
