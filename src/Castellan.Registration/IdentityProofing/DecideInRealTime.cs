using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.IdentityProofing;

/// <summary>An API-driven application: the applicant's data, the CSR and the external eKYC evidence, in one request.</summary>
public sealed record ApiApplication(string? PolicyId, string? Name, string? Email, string? Csr, IReadOnlyDictionary<string, string?>? Evidence);

/// <summary>
/// Seed 000 "API-Driven Workflow": an external system (an API key with OrdersApprove on its account) posts the
/// application with its identity evidence; the RA validates it in real time and answers in the same response with the
/// certificate or the reasons. Malformed input stores nothing; a well-formed application that fails the criteria is
/// kept as Rejected, so the refusal is on record. docs/flows/identity-proofed-issuance.md "API-driven".
/// </summary>
public sealed class DecideInRealTime(ProofedIssuance core, IAccountStore accounts)
{
    public async Task<Result<(IdentityApplication Application, ProofedCertificate Certificate)>> SubmitAsync(Caller caller, ApiApplication body, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(caller.AccountId, ct), Permission.OrdersApprove, caller.AccountId);
        if (account.IsError) return account.Error;
        var policy = await core.PolicyAsync(body.PolicyId, account.Value.Id, ct);
        if (policy is null || policy.Approval != ProofingApproval.Api)
            return new ApplicationInvalid([new FieldError("policyId", $"name an API-driven policy ({string.Join(", ", (await core.PoliciesOfAsync(account.Value.Id, ct)).Where(p => p.Approval == ProofingApproval.Api).Select(p => p.Id))})")]);
        var checkedForm = await core.CheckFormAsync(policy, body.Name, body.Email, body.Csr, ct);
        var claims = body.Evidence ?? new Dictionary<string, string?>();
        var now = core.Clock.GetUtcNow();
        var emailConfirmed = claims.TryGetValue("emailConfirmed", out var ec) && string.Equals(ec?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        var draft = new IdentityApplication(Ids.New("ida"), account.Value.Id, policy.Id, body.Name?.Trim() ?? "", body.Email?.Trim() ?? "", "",
            ProofingStatus.AwaitingEvidence, ApplicantAuthentication.ApiKey, emailConfirmed, caller.Actor, now, now) { Verifier = policy.Verifier };
        var verifier = core.Verifier(policy);
        var result = await verifier.ReceiveEvidenceAsync(draft, new IdentityEvidence([], claims), ct);
        // Every field problem at once, form and evidence alike; nothing has been stored yet.
        var errors = new List<FieldError>();
        if (checkedForm.IsError) errors.AddRange(((ApplicationInvalid)checkedForm.Error).Errors);
        if (result.IsError) errors.AddRange(result.Error is ApplicationInvalid ai ? ai.Errors : [new FieldError("evidence", result.Error.Detail)]);
        if (errors.Count > 0) return new ApplicationInvalid(errors);

        var (name, email, csr) = checkedForm.Value;
        var application = draft with { Name = name, Email = email, Csr = csr };
        await core.StoreAsync(application, ct);
        await core.AuditAsync(origin, "identity.applied", application, new { verifier = verifier.Name, approval = "api", authentication = "api-key" });
        var decided = await core.ApplyResultAsync(application, ProofingStatus.AwaitingEvidence, policy, result.Value, [], origin, ct);
        if (decided.IsError) return decided.Error;
        if (decided.Value.Status != ProofingStatus.Issued)
            return new ApplicationRefused(decided.Value.Id, decided.Value.Reason ?? "the identity was not verified", decided.Value.Criteria);
        var certificate = await core.CertificateAsync(decided.Value, ct);
        return certificate.IsError ? certificate.Error : (decided.Value, certificate.Value);
    }
}
