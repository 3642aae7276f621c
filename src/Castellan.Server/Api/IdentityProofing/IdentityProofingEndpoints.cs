using Castellan.Registration.Contracts;
using Castellan.Registration.IdentityProofing;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.IdentityProofing;

/// <summary>
/// Identity-proofed issuance (seed 000, docs/flows/identity-proofed-issuance.md). The API-driven mode answers with the
/// certificate or the reasons in the same response; officers and eKYC services work applications of their own
/// account (another tenant's read as not found). These handlers only translate HTTP.
/// </summary>
internal static class IdentityProofingEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/identity-proofing").WithTags("Identity proofing");
        g.MapGet("/policies", async (string? account, HttpContext http, ProofingPolicies policies, CancellationToken ct) =>
        {
            var list = await policies.ListAsync(http.Caller(), account, ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(PolicyView.From).ToList());
        }).RequirePermission(Permission.CertificatesRequest)
          .WithSummary("The identity-proofing policies offered in the account: the operator's (accountId null) and the account's own; product, approval mode (manual, automatic, api), verifier and required criteria");

        g.MapPost("/policies", async (PolicyBody? body, HttpContext http, ProofingPolicies policies, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var created = await policies.CreateAsync(http.Caller(), body.AccountId, body.Input, http.Origin(), ct);
            return created.IsError ? ProblemResults.From(created.Error) : Results.Created($"/api/v1/identity-proofing/policies/{created.Value.Id}", PolicyView.From(created.Value));
        }).RequirePermission(Permission.SettingsManage)
          .WithSummary("Define an account's identity-proofing policy: name, productId, approval (manual, automatic, api), verifier, criteria (identity-verified always)");

        g.MapPut("/policies/{id}", async (string id, PolicyBody? body, HttpContext http, ProofingPolicies policies, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var changed = await policies.UpdateAsync(http.Caller(), id, body.Input, http.Origin(), ct);
            return changed.IsError ? ProblemResults.From(changed.Error) : Results.Ok(PolicyView.From(changed.Value));
        }).RequirePermission(Permission.SettingsManage).WithSummary("Change an account's identity-proofing policy (every field, as when defining it)");

        g.MapPost("/applications", async (ApiApplicationBody? body, HttpContext http, DecideInRealTime decide, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var done = await decide.SubmitAsync(http.Caller(), new ApiApplication(body.PolicyId, body.Name, body.Email, body.Csr, body.Evidence), http.Origin(), ct);
            if (done.IsError) return ProblemResults.From(done.Error);
            var (application, certificate) = done.Value;
            return Results.Created($"/api/v1/identity-proofing/applications/{application.Id}", new
            {
                application = ApplicationView.From(application), serial = certificate.Serial, certificate = certificate.CertificatePem, chain = certificate.ChainPem,
            });
        }).RequirePermission(Permission.OrdersApprove)
          .WithSummary("API-driven application: name, email, CSR and the eKYC evidence (result, verifiedName, provider, reference, emailConfirmed); answers with the certificate or a problem listing the failed criteria");

        g.MapGet("/applications", async (string? status, HttpContext http, ReviewApplications review, CancellationToken ct) =>
        {
            ProofingStatus? parsed = null;
            if (!string.IsNullOrEmpty(status))
            {
                if (!Enum.TryParse<ProofingStatus>(status.Replace("-", ""), true, out var s)) return ProblemResults.BadRequest("'status' must be awaiting-evidence, awaiting-review, issued or rejected");
                parsed = s;
            }
            var list = await review.QueueAsync(http.Caller(), parsed, ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(ApplicationView.From).ToList());
        }).RequirePermission(Permission.OrdersApprove).WithSummary("The account's applications, oldest first (the review queue with status=awaiting-review)");

        g.MapGet("/applications/{id}", async (string id, HttpContext http, ReviewApplications review, CancellationToken ct) =>
        {
            var found = await review.GetAsync(http.Caller(), id, ct);
            return found.IsError ? ProblemResults.From(found.Error) : Results.Ok(ApplicationView.From(found.Value));
        }).RequirePermission(Permission.OrdersApprove).WithSummary("One application with its verification result and criteria");

        g.MapPost("/applications/{id}/evidence", async (string id, Dictionary<string, string?>? body, HttpContext http, ReviewApplications review, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var done = await review.ReceiveAttestationAsync(http.Caller(), id, body, http.Origin(), ct);
            return done.IsError ? ProblemResults.From(done.Error) : Results.Ok(ApplicationView.From(done.Value));
        }).RequirePermission(Permission.OrdersApprove).WithSummary("An external eKYC service's result for a portal application (attested verifier)");

        g.MapPost("/applications/{id}/approve", async (string id, DecisionBody? body, HttpContext http, ReviewApplications review, CancellationToken ct) =>
        {
            var done = await review.ApproveAsync(http.Caller(), id, body?.VerifiedName, http.Origin(), ct);
            return done.IsError ? ProblemResults.From(done.Error) : Results.Ok(ApplicationView.From(done.Value));
        }).RequirePermission(Permission.OrdersApprove).WithSummary("RA officer: the identity is verified; issue the certificate");

        g.MapPost("/applications/{id}/reject", async (string id, DecisionBody? body, HttpContext http, ReviewApplications review, CancellationToken ct) =>
        {
            var done = await review.RejectAsync(http.Caller(), id, body?.Reason, http.Origin(), ct);
            return done.IsError ? ProblemResults.From(done.Error) : Results.Ok(ApplicationView.From(done.Value));
        }).RequirePermission(Permission.OrdersApprove).WithSummary("RA officer: reject with the reason the applicant will read");
    }
}

internal sealed record ApiApplicationBody(string? PolicyId, string? Name, string? Email, string? Csr, Dictionary<string, string?>? Evidence);

internal sealed record DecisionBody(string? Reason, string? VerifiedName);

internal sealed record PolicyBody(string? AccountId, string? Name, string? ProductId, string? Approval, string? Verifier, IReadOnlyList<string>? Criteria)
{
    public ProofingPolicyInput Input => new(Name, ProductId, Approval, Verifier, Criteria);
}

internal sealed record PolicyView(string Id, string? AccountId, string Name, string ProductId, string Approval, string Verifier, IReadOnlyList<string> Criteria)
{
    public static PolicyView From(ProofingPolicy p) => new(p.Id, p.AccountId, p.Name, p.ProductId, ProofingPolicies.Code(p.Approval), p.Verifier, p.Criteria);
}

internal sealed record ApplicationView(string Id, string AccountId, string PolicyId, string Name, string Email, string Status, string Verifier, string Outcome,
    string? VerifiedName, string Authentication, bool EmailConfirmed, IReadOnlyList<CriterionView> Criteria, string? Reason, string? DecidedBy,
    DateTimeOffset? DecidedAt, string? CertificateSerial, DateTimeOffset CreatedAt)
{
    public static ApplicationView From(IdentityApplication a) => new(a.Id, a.AccountId, a.PolicyId, a.Name, a.Email, ProofedIssuance.Code(a.Status), a.Verifier,
        ProofedIssuance.Code(a.Outcome), a.VerifiedName, ProofingCriteria.Code(a.Authentication), a.EmailConfirmed,
        a.Criteria.Select(c => new CriterionView(c.Code, c.Passed, c.Detail)).ToList(), a.Reason, a.DecidedBy, a.DecidedAt, a.CertificateSerial, a.CreatedAt);
}

internal sealed record CriterionView(string Code, bool Passed, string Detail);
