using Castellan.Registration.Access;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Registration;

internal static class ApiKeyEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/accounts/{id}/api-keys", async (string id, CreateApiKeyRequest? body, HttpContext http, ApiKeyService keys, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var created = await keys.CreateForMemberAsync(http.Caller(), id, body, http.Origin(), ct);
            if (created.IsError) return ProblemResults.From(created.Error);
            var (key, secret) = created.Value;
            http.Response.Headers.CacheControl = "no-store";
            return Results.Created($"/api/v1/api-keys/{key.Id}", new ApiKeyCreatedView(key.Id, key.Name, key.AccountId!, key.UserId!, key.Role, key.CreatedAt, secret));
        }).RequirePermission(Permission.ApiUse).WithTags("API keys")
          .WithSummary("Create an API key for the caller's membership, or for a member (needs UsersManage); the secret is shown once");

        api.MapGet("/accounts/{id}/api-keys", async (string id, HttpContext http, ApiKeyService keys, CancellationToken ct) =>
        {
            var listed = await keys.ListAsync(http.Caller(), id, ct);
            return listed.IsError ? ProblemResults.From(listed.Error) : Results.Ok(listed.Value.Select(ApiKeyView.From));
        }).RequirePermission(Permission.ApiUse).WithTags("API keys")
          .WithSummary("The account's API keys, newest first: every member's for a caller who manages users, else the caller's own; never a secret");

        api.MapDelete("/api-keys/{id}", async (string id, HttpContext http, ApiKeyService keys, CancellationToken ct) =>
        {
            var revoked = await keys.RevokeAsync(http.Caller(), id, http.Origin(), ct);
            return revoked.IsError ? ProblemResults.From(revoked.Error) : Results.NoContent();
        }).RequirePermission(Permission.ApiUse).WithTags("API keys").WithSummary("Revoke an API key: one's own, or any in an account where the caller manages users");
    }
}
