using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.IdentityProofing;

/// <summary>The application form's fields as the applicant typed them.</summary>
public sealed record ApplicationForm(string? PolicyId, string? Name, string? Email, string? Csr);

/// <summary>A new application and what the verifier asks the applicant to do next.</summary>
public sealed record ApplicationStarted(IdentityApplication Application, string Instructions);

/// <summary>
/// Seed 000 "User Action": a signed-in applicant (CertificatesRequest in their account) applies for a product that
/// requires identity proofing with a CSR (browser-made or pasted), then hands in evidence to the policy's verifier,
/// and finally downloads the certificate. docs/flows/identity-proofed-issuance.md steps 1-3 and 6.
/// </summary>
public sealed class ApplyForCertificate(ProofedIssuance core, IAccountStore accounts, IUserStore users, IIdentityProofingStore store)
{
    /// <summary>Policies an applicant can pick in the portal: the API mode is for systems, not people.</summary>
    public async Task<IReadOnlyList<ProofingPolicy>> PortalPoliciesAsync(Caller caller, CancellationToken ct) =>
        (await core.PoliciesOfAsync(caller.AccountId, ct)).Where(p => p.Approval != ProofingApproval.Api).ToList();

    public async Task<Result<ApplicationStarted>> ApplyAsync(Caller caller, ApplicantAuthentication authentication, ApplicationForm form, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(caller.AccountId, ct), Permission.CertificatesRequest, caller.AccountId);
        if (account.IsError) return account.Error;
        var policy = await core.PolicyAsync(form.PolicyId, account.Value.Id, ct);
        if (policy is null || policy.Approval == ProofingApproval.Api)
            return new ApplicationInvalid([new FieldError("policy", "choose the certificate you apply for")]);
        var checkedForm = await core.CheckFormAsync(policy, form.Name, form.Email, form.Csr, ct);
        if (checkedForm.IsError) return checkedForm.Error;
        var (name, email, csr) = checkedForm.Value;
        // The login's address was confirmed by its activation link; any other address is not (yet) confirmed.
        var user = caller.UserId is null ? null : await users.GetAsync(caller.UserId, ct);
        var confirmed = user is { Status: UserStatus.Active } && string.Equals(user.Email, email, StringComparison.OrdinalIgnoreCase);
        var now = core.Clock.GetUtcNow();
        var application = new IdentityApplication(Ids.New("ida"), account.Value.Id, policy.Id, name, email, csr, ProofingStatus.AwaitingEvidence,
            authentication, confirmed, caller.Actor, now, now) { ApplicantUserId = caller.UserId, Verifier = policy.Verifier };
        var verifier = core.Verifier(policy);
        var instructions = await verifier.StartAsync(application, ct);
        await core.StoreAsync(application, ct);
        await core.AuditAsync(origin, "identity.applied", application, new { verifier = verifier.Name, approval = policy.Approval.ToString().ToLowerInvariant(), authentication = ProofingCriteria.Code(authentication) });
        return new ApplicationStarted(application, instructions);
    }

    /// <summary>The applicant's own application (officers of the account see it too).</summary>
    public Task<Result<IdentityApplication>> GetAsync(Caller caller, string id, CancellationToken ct) =>
        core.FindAsync(caller, id, Permission.OrdersApprove, applicantMay: true, ct);

    /// <summary>The caller's own applications, newest last.</summary>
    public async Task<IReadOnlyList<IdentityApplication>> MineAsync(Caller caller, CancellationToken ct) =>
        caller.UserId is null ? [] : await store.ListAsync(new IdentityApplicationQuery(caller.AccountId, null, caller.UserId, 0, 100), ct);

    public async Task<string> InstructionsAsync(IdentityApplication a, CancellationToken ct) =>
        await core.PolicyAsync(a.PolicyId, a.AccountId, ct) is { } p ? await core.Verifier(p).StartAsync(a, ct) : "";

    /// <summary>Evidence from the applicant (uploads); only the applicant, and only while evidence is awaited.</summary>
    public async Task<Result<IdentityApplication>> SubmitEvidenceAsync(Caller caller, string id, IReadOnlyList<EvidenceFile> files, RequestOrigin origin, CancellationToken ct)
    {
        var found = await core.FindAsync(caller, id, Permission.OrdersApprove, applicantMay: true, ct);
        if (found.IsError) return found.Error;
        var application = found.Value;
        if (application.ApplicantUserId != caller.UserId) return new Forbidden("only the applicant hands in their identity evidence");
        if (application.Status != ProofingStatus.AwaitingEvidence) return new Conflict($"application '{id}' is {ProofedIssuance.Code(application.Status)}, not waiting for evidence");
        var policy = await core.PolicyAsync(application.PolicyId, application.AccountId, ct);
        if (policy is null) return ProofedIssuance.NotFound(id);
        if (policy.Verifier != IdentityProofingOptions.DocumentUploadVerifierName)
            return new Conflict("this application's identity is checked by an external eKYC service, not by uploads");
        var result = await core.Verifier(policy).ReceiveEvidenceAsync(application, new IdentityEvidence(files, new Dictionary<string, string?>()), ct);
        if (result.IsError) return result.Error;
        return await core.ApplyResultAsync(application, ProofingStatus.AwaitingEvidence, policy, result.Value, files, origin, ct);
    }

    public async Task<Result<ProofedCertificate>> CertificateAsync(Caller caller, string id, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, ct);
        return found.IsError ? found.Error : await core.CertificateAsync(found.Value, ct);
    }
}
