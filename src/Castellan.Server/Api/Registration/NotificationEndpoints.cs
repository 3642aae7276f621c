using Castellan.Registration.Contracts;
using Castellan.Registration.Notifications;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Registration;

/// <summary>Per-account email templates and notification settings (issue 3 item 12).</summary>
internal static class NotificationEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/accounts/{id}").WithTags("Notifications");
        g.MapGet("/notification-templates/{eventCode}", async (string id, string eventCode, HttpContext http, NotificationSettingsService service, CancellationToken ct) =>
        {
            var t = await service.GetTemplateAsync(http.Caller(), id, eventCode, ct);
            return t.IsError ? ProblemResults.From(t.Error) : Results.Ok(View(t.Value));
        }).RequirePermission(Permission.SettingsManage).WithSummary("The account's template for an event (its own, or the built-in one) and the placeholders it may use");

        g.MapPut("/notification-templates/{eventCode}", async (string id, string eventCode, SaveTemplateRequest? body, HttpContext http, NotificationSettingsService service, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var t = await service.SaveTemplateAsync(http.Caller(), id, eventCode, body, http.Origin(), ct);
            return t.IsError ? ProblemResults.From(t.Error) : Results.Ok(View(t.Value));
        }).RequirePermission(Permission.SettingsManage).WithSummary("Override an event's template: subject, text and optional HTML with {{placeholders}}");

        g.MapDelete("/notification-templates/{eventCode}", async (string id, string eventCode, HttpContext http, NotificationSettingsService service, CancellationToken ct) =>
        {
            var t = await service.ResetTemplateAsync(http.Caller(), id, eventCode, http.Origin(), ct);
            return t.IsError ? ProblemResults.From(t.Error) : Results.Ok(View(t.Value));
        }).RequirePermission(Permission.SettingsManage).WithSummary("Go back to the built-in template");

        g.MapGet("/notification-settings", async (string id, HttpContext http, NotificationSettingsService service, CancellationToken ct) =>
        {
            var s = await service.GetSettingsAsync(http.Caller(), id, ct);
            return s.IsError ? ProblemResults.From(s.Error) : Results.Ok(s.Value);
        }).RequirePermission(Permission.SettingsManage).WithSummary("Renewal reminder intervals, account-wide and per-group recipients, low-balance threshold");

        g.MapPut("/notification-settings", async (string id, SaveNotificationSettingsRequest? body, HttpContext http, NotificationSettingsService service, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var s = await service.SaveSettingsAsync(http.Caller(), id, body, http.Origin(), ct);
            return s.IsError ? ProblemResults.From(s.Error) : Results.Ok(s.Value);
        }).RequirePermission(Permission.SettingsManage).WithSummary("Set reminder intervals (days before expiry; negative: after), recipients and the low-balance threshold");
    }

    private static object View(TemplateView t) =>
        new { @event = Templates.Code(t.Event), subject = t.Subject, text = t.Text, html = t.Html, custom = t.Custom, placeholders = t.Placeholders };
}
