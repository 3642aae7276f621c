using Castellan.Registration.Contracts;
using Castellan.Registration.Orders.CustomFields;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Registration;

public sealed record CustomFieldView(string Id, string Name, string Label, string Type, bool Mandatory, int MaxLength, IReadOnlyList<string> AllowedCharacters,
    string ExtraCharacters, IReadOnlyList<string> Options)
{
    public static CustomFieldView From(CustomFieldDefinition f) => new(f.Id, f.Name, f.Label, f.Type.ToString().ToLowerInvariant(), f.Mandatory, f.MaxLength,
        Enum.GetValues<CharacterClasses>().Where(c => c != CharacterClasses.None && f.AllowedCharacters.HasFlag(c)).Select(c => c.ToString().ToLowerInvariant()).ToList(),
        f.ExtraCharacters, f.Options);
}

/// <summary>Custom fields of an account (seed 003): defined with SettingsManage, read by anyone who sees the account.</summary>
internal static class CustomFieldEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/accounts/{accountId}/custom-fields").WithTags("Orders");
        g.MapGet("", async (string accountId, HttpContext http, CustomFieldService fields, CancellationToken ct) =>
        {
            var list = await fields.ListAsync(http.Caller(), accountId, ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(CustomFieldView.From));
        }).RequirePermission(Permission.DashboardView).WithSummary("The custom fields orders of the account carry");

        g.MapPost("", async (string accountId, DefineCustomFieldRequest? body, HttpContext http, CustomFieldService fields, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var created = await fields.DefineAsync(http.Caller(), accountId, body, http.Origin(), ct);
            return created.IsError ? ProblemResults.From(created.Error) : Results.Created($"/api/v1/accounts/{accountId}/custom-fields/{created.Value.Id}", CustomFieldView.From(created.Value));
        }).RequirePermission(Permission.SettingsManage)
          .WithSummary("Define a custom field: text, dropdown, date, checkbox or email; mandatory; maxLength; allowedCharacters (letters, digits, space, punctuation) and extraCharacters");

        g.MapDelete("/{fieldId}", async (string accountId, string fieldId, HttpContext http, CustomFieldService fields, CancellationToken ct) =>
        {
            var deleted = await fields.DeleteAsync(http.Caller(), accountId, fieldId, http.Origin(), ct);
            return deleted.IsError ? ProblemResults.From(deleted.Error) : Results.NoContent();
        }).RequirePermission(Permission.SettingsManage).WithSummary("Stop asking for a custom field; orders keep the values they have");
    }
}
