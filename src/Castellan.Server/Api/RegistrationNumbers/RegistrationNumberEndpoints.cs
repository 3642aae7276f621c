using Castellan.Registration.Contracts;
using Castellan.Registration.Enrollment.RegistrationNumber;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.RegistrationNumbers;

/// <summary>
/// Seed 002 registration-number enrolment (docs/flows/registration-number-enrolment.md): the administrator enables a
/// service, the RA officer works the desk (documents, payment, verification). Tenant scoping and permissions are the
/// RA's (another tenant's applications read as not found); the applicant's own steps live in the portal. These
/// handlers only translate HTTP.
/// </summary>
internal static class RegistrationNumberEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var s = api.MapGroup("/registration-services").WithTags("Registration numbers");
        s.MapPost("", async (ServiceBody? body, HttpContext http, RegistrationServices services, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var created = await services.EnableAsync(http.Caller(), body.AccountId, body.Input, http.Origin(), ct);
            return created.IsError ? ProblemResults.From(created.Error) : Results.Created($"/api/v1/registration-services/{created.Value.Id}", ServiceView.From(created.Value));
        }).RequirePermission(Permission.SettingsManage).WithSummary("Enable a product for registration-number enrolment, with its document checklist and fee");

        s.MapGet("", async (string? account, HttpContext http, RegistrationServices services, CancellationToken ct) =>
        {
            var list = await services.ListAsync(http.Caller(), account, ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(ServiceView.From).ToList());
        }).RequirePermission(Permission.OrdersApprove).WithSummary("The account's registration services");

        s.MapGet("/{id}", async (string id, HttpContext http, RegistrationServices services, CancellationToken ct) =>
        {
            var found = await services.GetAsync(http.Caller(), id, Permission.OrdersApprove, ct);
            return found.IsError ? ProblemResults.From(found.Error) : Results.Ok(ServiceView.From(found.Value));
        }).RequirePermission(Permission.OrdersApprove).WithSummary("One registration service of the caller's account");

        s.MapPut("/{id}", async (string id, ServiceBody? body, HttpContext http, RegistrationServices services, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var changed = await services.UpdateAsync(http.Caller(), id, body.Input, body.Enabled, http.Origin(), ct);
            return changed.IsError ? ProblemResults.From(changed.Error) : Results.Ok(ServiceView.From(changed.Value));
        }).RequirePermission(Permission.SettingsManage)
          .WithSummary("Change a registration service: name, product, checklist, fee, currency (every field, as when enabling) and 'enabled' (offered on the public page)");

        var a = api.MapGroup("/registration-applications").WithTags("Registration numbers");
        a.MapPost("", async (RegisterBody? body, HttpContext http, RegisterApplicant register, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var done = await register.RegisterAsync(body.ServiceId, body.FullName, body.Email, http.RequestServices.GetRequiredService<ClientAddress>().Of(http), ct);
            return done.IsError ? ProblemResults.From(done.Error) : Results.Created((string?)null, new { number = done.Value.Number, email = done.Value.Email });
        }).AllowAnonymous().WithSummary("One-time public registration: the registration number and initial access code are emailed to the address");

        a.MapGet("", async (string? account, string? status, int? page, int? pageSize, HttpContext http, RegistrationDesk desk, CancellationToken ct) =>
        {
            RegistrationStatus? parsed = null;
            if (!string.IsNullOrEmpty(status))
            {
                if (!Enum.TryParse<RegistrationStatus>(status, true, out var st) || !Enum.IsDefined(st))
                    return ProblemResults.BadRequest($"'status' must be one of {string.Join(", ", Enum.GetNames<RegistrationStatus>())}");
                parsed = st;
            }
            var size = Math.Clamp(pageSize ?? 50, 1, 500);
            var number = Math.Max(1, page ?? 1);
            var list = await desk.ListAsync(http.Caller(), account, parsed, (number - 1) * size, size, ct);
            return list.IsError ? ProblemResults.From(list.Error)
                : Results.Ok(new ApplicationPage(list.Value.Items.Select(x => ApplicationView.From(x)).ToList(), list.Value.Total, number, size));
        }).RequirePermission(Permission.OrdersApprove).WithSummary("Applications of the account with their process status");

        a.MapGet("/{id}", async (string id, HttpContext http, RegistrationDesk desk, CancellationToken ct) =>
        {
            var found = await desk.GetAsync(http.Caller(), id, ct);
            return found.IsError ? ProblemResults.From(found.Error) : Results.Ok(ApplicationView.From(found.Value.Application, found.Value));
        }).RequirePermission(Permission.OrdersApprove).WithSummary("One application with its checklist and documents");

        a.MapGet("/{id}/documents/{documentId}", async (string id, string documentId, HttpContext http, RegistrationDesk desk, CancellationToken ct) =>
        {
            var found = await desk.DocumentAsync(http.Caller(), id, documentId, http.Origin(), ct);
            return found.IsError ? ProblemResults.From(found.Error) : Results.File(found.Value.Content, found.Value.Document.ContentType, found.Value.Document.FileName);
        }).RequirePermission(Permission.OrdersApprove).WithSummary("Download a signed document (audited)");

        a.MapPost("/{id}/documents/accept", async (string id, AcceptBody? body, HttpContext http, RegistrationDesk desk, CancellationToken ct) =>
        {
            var done = await desk.AcceptDocumentsAsync(http.Caller(), id, body?.Checked, http.Origin(), ct);
            return done.IsError ? ProblemResults.From(done.Error) : Results.Ok(ApplicationView.From(done.Value));
        }).RequirePermission(Permission.OrdersApprove).WithSummary("Accept the documents; 'checked' must name every checklist item");

        a.MapPost("/{id}/documents/reject", async (string id, ReasonBody? body, HttpContext http, RegistrationDesk desk, CancellationToken ct) =>
        {
            var done = await desk.RejectDocumentsAsync(http.Caller(), id, body?.Reason, http.Origin(), ct);
            return done.IsError ? ProblemResults.From(done.Error) : Results.Ok(ApplicationView.From(done.Value));
        }).RequirePermission(Permission.OrdersApprove).WithSummary("Reject the documents with the reason the applicant reads; they may upload again");

        a.MapPost("/{id}/payment", async (string id, PaymentBody? body, HttpContext http, RegistrationDesk desk, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var done = await desk.RecordPaymentAsync(http.Caller(), id, body.Amount, body.Reference, http.Origin(), ct);
            return done.IsError ? ProblemResults.From(done.Error) : Results.Ok(ApplicationView.From(done.Value));
        }).RequirePermission(Permission.OrdersApprove).WithSummary("Record the payment (amount and reference) of a submitted application");

        a.MapPost("/{id}/verify", async (string id, HttpContext http, RegistrationDesk desk, CancellationToken ct) =>
        {
            var done = await desk.VerifyAsync(http.Caller(), id, http.Origin(), ct);
            return done.IsError ? ProblemResults.From(done.Error) : Results.Ok(ApplicationView.From(done.Value));
        }).RequirePermission(Permission.OrdersApprove).WithSummary("Verify a paid application and issue its certificate");
    }
}
