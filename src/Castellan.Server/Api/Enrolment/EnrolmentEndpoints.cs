using Castellan.Registration.Contracts;
using Castellan.Registration.Enrollment;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Enrolment;

/// <summary>
/// Seed 001 invitation enrolment (docs/flows/enrolment.md). Administration is permission-checked and tenant-scoped by
/// the RA (another tenant's policies and invitations read as not found); the applicant's two links are public and
/// carry their own single-use tokens. These handlers only translate HTTP.
/// </summary>
internal static class EnrolmentEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var p = api.MapGroup("/enrolment-policies").WithTags("Enrolment");
        p.MapPost("", async (PolicyBody? body, HttpContext http, EnrolmentPolicies policies, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var created = await policies.CreateAsync(http.Caller(), body.AccountId, body.Input, http.Origin(), ct);
            return created.IsError ? ProblemResults.From(created.Error) : Results.Created($"/api/v1/enrolment-policies/{created.Value.Id}", PolicyView.From(created.Value));
        }).RequirePermission(Permission.SettingsManage).WithSummary("Create an enrolment policy: product, required form fields, key sources (browser, csr, server), approval (manual, automatic), link lifetime");

        p.MapGet("", async (string? account, HttpContext http, EnrolmentPolicies policies, CancellationToken ct) =>
        {
            var list = await policies.ListAsync(http.Caller(), account, ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(PolicyView.From).ToList());
        }).RequirePermission(Permission.UsersInvite).WithSummary("The account's enrolment policies");

        p.MapGet("/{id}", async (string id, HttpContext http, EnrolmentPolicies policies, CancellationToken ct) =>
        {
            var found = await policies.GetAsync(http.Caller(), id, Permission.UsersInvite, ct);
            return found.IsError ? ProblemResults.From(found.Error) : Results.Ok(PolicyView.From(found.Value));
        }).RequirePermission(Permission.UsersInvite).WithSummary("One enrolment policy");

        p.MapPut("/{id}", async (string id, PolicyBody? body, HttpContext http, EnrolmentPolicies policies, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var updated = await policies.UpdateAsync(http.Caller(), id, body.Input, http.Origin(), ct);
            return updated.IsError ? ProblemResults.From(updated.Error) : Results.Ok(PolicyView.From(updated.Value));
        }).RequirePermission(Permission.SettingsManage).WithSummary("Change an enrolment policy (applies to submissions from now on)");

        p.MapDelete("/{id}", async (string id, HttpContext http, EnrolmentPolicies policies, CancellationToken ct) =>
        {
            var deleted = await policies.DeleteAsync(http.Caller(), id, http.Origin(), ct);
            return deleted.IsError ? ProblemResults.From(deleted.Error) : Results.NoContent();
        }).RequirePermission(Permission.SettingsManage).WithSummary("Delete a policy that has no invitations");

        p.MapPost("/{id}/invitations", async (string id, HttpContext http, InviteApplicants invite, CancellationToken ct) =>
        {
            // Read one byte past the limit, so an oversize upload is told apart from one exactly at it.
            var buffer = new byte[EnrolmentCsv.MaxBytes + 1];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await http.Request.Body.ReadAsync(buffer.AsMemory(read), ct)) > 0) read += n;
            if (read > EnrolmentCsv.MaxBytes) return ProblemResults.From(new CsvTooLarge($"the CSV is larger than {EnrolmentCsv.MaxBytes / 1024} KiB; split it into several uploads"));
            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, read);
            var report = await invite.InviteAsync(http.Caller(), id, text, http.Origin(), ct);
            return report.IsError ? ProblemResults.From(report.Error) : Results.Ok(report.Value);
        }).RequirePermission(Permission.UsersInvite).Accepts<string>("text/csv")
          .WithSummary("Upload a CSV (email[,given_name,surname,organisation_unit]); each good line is invited by email; the report has one result per line");

        var i = api.MapGroup("/invitations").WithTags("Enrolment");
        i.MapGet("", async (string? account, string? policy, string? status, int? page, int? pageSize, HttpContext http, DecideEnrolment decide, TimeProvider clock, CancellationToken ct) =>
        {
            InvitationStatus? parsed = null;
            if (!string.IsNullOrEmpty(status))
            {
                if (!Enum.TryParse<InvitationStatus>(status, true, out var s)) return ProblemResults.BadRequest("'status' must be invited, submitted, approved, collected or rejected");
                parsed = s;
            }
            var size = Math.Clamp(pageSize ?? 50, 1, 500);
            var number = Math.Max(1, page ?? 1);
            var list = await decide.ListAsync(http.Caller(), account, policy, parsed, Permission.UsersInvite, (number - 1) * size, size, ct);
            var now = clock.GetUtcNow();
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(new InvitationPage(list.Value.Items.Select(x => InvitationView.From(x, now)).ToList(), list.Value.Total, number, size));
        }).RequirePermission(Permission.UsersInvite).WithSummary("Invitations with their status (invited, expired, submitted, approved, collected, rejected)");

        i.MapGet("/{id}", async (string id, HttpContext http, DecideEnrolment decide, TimeProvider clock, CancellationToken ct) =>
        {
            var found = await decide.GetAsync(http.Caller(), id, Permission.UsersInvite, ct);
            return found.IsError ? ProblemResults.From(found.Error) : Results.Ok(InvitationView.From(found.Value, clock.GetUtcNow()));
        }).RequirePermission(Permission.UsersInvite).WithSummary("One invitation");

        i.MapPost("/{id}/approve", async (string id, HttpContext http, DecideEnrolment decide, TimeProvider clock, CancellationToken ct) =>
        {
            var done = await decide.ApproveAsync(http.Caller(), id, http.Origin(), ct);
            return done.IsError ? ProblemResults.From(done.Error) : Results.Ok(InvitationView.From(done.Value, clock.GetUtcNow()));
        }).RequirePermission(Permission.OrdersApprove).WithSummary("Approve a submitted enrolment: issue from its CSR and email the collection link");

        i.MapPost("/{id}/reject", async (string id, RejectBody? body, HttpContext http, DecideEnrolment decide, TimeProvider clock, CancellationToken ct) =>
        {
            var done = await decide.RejectAsync(http.Caller(), id, body?.Reason, http.Origin(), ct);
            return done.IsError ? ProblemResults.From(done.Error) : Results.Ok(InvitationView.From(done.Value, clock.GetUtcNow()));
        }).RequirePermission(Permission.OrdersApprove).WithSummary("Reject an enrolment with the reason the applicant will read");

        // The applicant's side: no account, the link's token is the credential.
        var pub = api.MapGroup("").WithTags("Enrolment (applicant)");
        pub.MapGet("/enrol/{token}", async (string token, SubmitEnrolment submit, CancellationToken ct) =>
        {
            var form = await submit.ReadAsync(token, ct);
            return form.IsError ? ProblemResults.From(form.Error) : Results.Ok(EnrolmentFormView.From(form.Value));
        }).AllowAnonymous().WithSummary("The enrolment form behind an emailed link");

        pub.MapPost("/enrol/{token}", async (string token, EnrolmentBody? body, HttpContext http, SubmitEnrolment submit, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var done = await submit.SubmitAsync(token, new EnrolmentSubmission(body.GivenName, body.Surname, body.OrganisationUnit, body.KeySource, body.Csr),
                http.RequestServices.GetRequiredService<ClientAddress>().Of(http), ct);
            return done.IsError ? ProblemResults.From(done.Error) : Results.Ok(new { status = done.Value.Status.ToString().ToLowerInvariant() });
        }).AllowAnonymous().WithSummary("Submit the enrolment form with a CSR (or keySource server); the link then stops working");

        pub.MapGet("/collect/{token}", async (string token, HttpContext http, CollectCertificate collect, CancellationToken ct) =>
        {
            var c = await collect.ReadAsync(token, http.RequestServices.GetRequiredService<ClientAddress>().Of(http), ct);
            return c.IsError ? ProblemResults.From(c.Error) : Results.Ok(new
            {
                email = c.Value.Email, policy = c.Value.PolicyName, keySource = EnrolmentPolicies.Code(c.Value.KeySource), serial = c.Value.Serial,
                certificate = c.Value.CertificatePem, chain = c.Value.ChainPem,
            });
        }).AllowAnonymous().WithSummary("The approved certificate and its chain (PEM) behind a collection link");

        pub.MapPost("/collect/{token}/pkcs12", async (string token, Pkcs12Body? body, HttpContext http, CollectCertificate collect, CancellationToken ct) =>
        {
            var p12 = await collect.Pkcs12Async(token, body?.Password, http.RequestServices.GetRequiredService<ClientAddress>().Of(http), ct);
            return p12.IsError ? ProblemResults.From(p12.Error) : Results.File(p12.Value, "application/x-pkcs12", "certificate.p12");
        }).AllowAnonymous().WithSummary("Server-generated key only: generate key and certificate now and return them once as a PBES2 PKCS#12");
    }
}
