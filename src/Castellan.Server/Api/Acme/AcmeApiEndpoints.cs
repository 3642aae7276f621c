using Castellan.Authority.Hierarchy;
using Castellan.Protocols.Acme.Eab;
using Castellan.Protocols.Acme.RenewalInfo;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Acme;

/// <summary>REST side of ACME: EAB credentials (seed 003 "Generate EAB Credentials") and mass replacement of a CA (RFC 9773).</summary>
internal static class AcmeApiEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/accounts/{id}/eab-credentials", async (string id, CreateEabCredentialsRequest? body, HttpContext http, ExternalAccountBinding eab, CancellationToken ct) =>
        {
            var created = await eab.CreateAsync(http.Caller(), id, body ?? new CreateEabCredentialsRequest(null, null), http.Origin(), ct);
            if (created.IsError) return ProblemResults.From(created.Error);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Created($"/api/v1/accounts/{id}/eab-credentials/{created.Value.KeyId}", created.Value);
        }).RequirePermission(Permission.AcmeUse).WithTags("ACME")
          .WithSummary("Generate ACME external account binding credentials for the account (optionally a group and a product); the HMAC key is shown once");

        api.MapPost("/cas/{id}/replace", async (string id, HttpContext http, CaDirectory cas, ReplaceIssuingCa replace, CancellationToken ct) =>
        {
            if (await cas.FindAsync(id, ct) is null) return ProblemResults.From(new NotFound("ca", $"CA '{id}' does not exist"));
            var at = await replace.StartAsync(id, http.Origin(), ct);
            return Results.Ok(new { ca = id, replacementStartedAt = at });
        }).RequireOperator(OperatorRoles.Administrator).WithTags("Certificate authorities")
          .WithSummary("Start replacing every certificate of a CA: ACME renewalInfo tells clients to renew now");
    }
}
