using Castellan.Registration.Contracts;
using Castellan.Registration.Organizations;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Organizations;

/// <summary>
/// Seed 003 "Organizations": an account adds organisations; an RA officer of the operator verifies or rejects them.
/// <see cref="OrganizationService"/> decides, audits and scopes to the caller's tenant; these handlers translate HTTP.
/// </summary>
internal static class OrganizationEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var a = api.MapGroup("/accounts/{accountId}/organizations").WithTags("Organizations");
        a.MapPost("", async (string accountId, AddOrganizationRequest? body, HttpContext http, OrganizationService organizations, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var added = await organizations.AddAsync(http.Caller(), accountId, body, http.Origin(), ct);
            return added.IsError ? ProblemResults.From(added.Error) : Results.Created($"/api/v1/organizations/{added.Value.Id}", OrganizationView.From(added.Value));
        }).RequirePermission(Permission.OrganizationsManage).WithSummary("Add an organisation (pending until an RA officer verifies it)");

        a.MapGet("", async (string accountId, HttpContext http, OrganizationService organizations, CancellationToken ct) =>
        {
            var list = await organizations.ListAsync(http.Caller(), accountId, ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(OrganizationView.From).ToList());
        }).RequirePermission(Permission.OrganizationsManage).WithSummary("The account's organisations with their status");

        var o = api.MapGroup("/organizations").WithTags("Organizations");
        o.MapPost("/{id}/verify", async (string id, HttpContext http, OrganizationService organizations, CancellationToken ct) =>
            Reply(await organizations.VerifyAsync(http.Caller(), id, http.Origin(), ct)))
            .RequireOperator(OperatorRoles.Administrator, OperatorRoles.RaOfficer).WithSummary("Verify a pending organisation (RA officer)");

        o.MapPost("/{id}/reject", async (string id, RejectOrganizationBody? body, HttpContext http, OrganizationService organizations, CancellationToken ct) =>
            Reply(await organizations.RejectAsync(http.Caller(), id, body?.Reason, http.Origin(), ct)))
            .RequireOperator(OperatorRoles.Administrator, OperatorRoles.RaOfficer).WithSummary("Reject a pending organisation with a reason (RA officer)");
    }

    private static IResult Reply(Result<Organization> result) =>
        result.IsError ? ProblemResults.From(result.Error) : Results.Ok(OrganizationView.From(result.Value));
}

internal sealed record RejectOrganizationBody(string? Reason);

internal sealed record OrganizationView(string Id, string AccountId, string LegalName, string Country, string? State, string? Locality,
    string? Address, string? Phone, string? RegistrationNumber, string Status, string? StatusReason, DateTimeOffset CreatedAt)
{
    public static OrganizationView From(Organization o) => new(o.Id, o.AccountId, o.LegalName, o.Country, o.State, o.Locality, o.Address, o.Phone,
        o.RegistrationNumber, OrganizationService.Code(o.Status), o.StatusReason, o.CreatedAt);
}
