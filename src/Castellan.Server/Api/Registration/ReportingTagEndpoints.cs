using Castellan.Registration.Contracts;
using Castellan.Registration.Orders.ReportingTags;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Registration;

public sealed record ReportingTagView(string Id, string Name, string Description, DateTimeOffset CreatedAt)
{
    public static ReportingTagView From(ReportingTagDefinition t) => new(t.Id, t.Name, t.Description, t.CreatedAt);
}

/// <summary>Reporting tags of an account (seed 003): defined with SettingsManage, read by anyone who sees the account.</summary>
internal static class ReportingTagEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/accounts/{accountId}/reporting-tags").WithTags("Orders");
        g.MapGet("", async (string accountId, HttpContext http, ReportingTagService tags, CancellationToken ct) =>
        {
            var list = await tags.ListAsync(http.Caller(), accountId, ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(ReportingTagView.From));
        }).RequirePermission(Permission.DashboardView).WithSummary("The reporting tags orders of the account are categorised by");

        g.MapPost("", async (string accountId, DefineReportingTagRequest? body, HttpContext http, ReportingTagService tags, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var created = await tags.DefineAsync(http.Caller(), accountId, body, http.Origin(), ct);
            return created.IsError ? ProblemResults.From(created.Error) : Results.Created($"/api/v1/accounts/{accountId}/reporting-tags/{created.Value.Id}", ReportingTagView.From(created.Value));
        }).RequirePermission(Permission.SettingsManage).WithSummary("Define a reporting tag: a name (1 to 64 characters, unique per account ignoring case) and an optional description");

        g.MapDelete("/{tagId}", async (string accountId, string tagId, HttpContext http, ReportingTagService tags, CancellationToken ct) =>
        {
            var deleted = await tags.DeleteAsync(http.Caller(), accountId, tagId, http.Origin(), ct);
            return deleted.IsError ? ProblemResults.From(deleted.Error) : Results.NoContent();
        }).RequirePermission(Permission.SettingsManage).WithSummary("Delete a reporting tag; orders keep the tags they carry");
    }
}
