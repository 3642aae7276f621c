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

        api.MapGet("/accounts/{id}/eab-credentials", async (string id, HttpContext http, ExternalAccountBinding eab, CancellationToken ct) =>
        {
            var listed = await eab.ListAsync(http.Caller(), id, ct);
            return listed.IsError ? ProblemResults.From(listed.Error) : Results.Ok(listed.Value.Select(EabCredentialView.From));
        }).RequirePermission(Permission.AcmeUse).WithTags("ACME").WithSummary("The account's EAB key ids, newest first, with their scope and state; never an HMAC key");

        api.MapDelete("/accounts/{id}/eab-credentials/{keyId}", async (string id, string keyId, HttpContext http, ExternalAccountBinding eab, CancellationToken ct) =>
        {
            var revoked = await eab.RevokeAsync(http.Caller(), id, keyId, http.Origin(), ct);
            return revoked.IsError ? ProblemResults.From(revoked.Error) : Results.NoContent();
        }).RequirePermission(Permission.AcmeUse).WithTags("ACME").WithSummary("Revoke EAB credentials: no new ACME account binds with them");

        api.MapPost("/cas/{id}/replace", async (string id, HttpContext http, CaDirectory cas, ReplaceIssuingCa replace, CancellationToken ct) =>
        {
            if (await cas.FindAsync(id, ct) is null) return ProblemResults.From(new NotFound("ca", $"CA '{id}' does not exist"));
            var at = await replace.StartAsync(id, http.Origin(), ct);
            return Results.Ok(new { ca = id, replacementStartedAt = at });
        }).RequireOperator(OperatorRoles.Administrator).WithTags("Certificate authorities")
          .WithSummary("Start replacing every certificate of a CA: ACME renewalInfo tells clients to renew now");
    }
}

/// <summary>EAB credentials as a listing shows them: the key id and its scope, never the HMAC key.</summary>
public sealed record EabCredentialView(string KeyId, string AccountId, string? GroupId, string? ProductId, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static EabCredentialView From(Castellan.Protocols.Acme.Contracts.EabCredential c) => new(c.KeyId, c.AccountId, c.GroupId, c.ProductId, c.CreatedBy, c.CreatedAt, c.RevokedAt);
}
