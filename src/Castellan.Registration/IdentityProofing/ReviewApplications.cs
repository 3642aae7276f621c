using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.IdentityProofing;

/// <summary>
/// Seed 000 "RA Action": an RA officer (OrdersApprove on the account) works the review queue: reads the evidence
/// (every document view is audited: it is personal data), sees the criteria checklist, and approves (the identity is
/// taken as verified under the name the officer confirms, and the certificate issues) or rejects with a reason. An
/// external eKYC service delivers its result here too. docs/flows/identity-proofed-issuance.md steps 3-5.
/// </summary>
public sealed class ReviewApplications(ProofedIssuance core, IAccountStore accounts, IIdentityProofingStore store)
{
    public async Task<Result<IReadOnlyList<IdentityApplication>>> QueueAsync(Caller caller, ProofingStatus? status, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(caller.AccountId, ct), Permission.OrdersApprove, caller.AccountId);
        if (account.IsError) return account.Error;
        return (await store.ListAsync(new IdentityApplicationQuery(account.Value.Id, status, null, 0, 200), ct)).ToList();
    }

    public Task<Result<IdentityApplication>> GetAsync(Caller caller, string id, CancellationToken ct) =>
        core.FindAsync(caller, id, Permission.OrdersApprove, applicantMay: false, ct);

    public async Task<Result<IReadOnlyList<IdentityDocument>>> DocumentsAsync(Caller caller, string id, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        return (await store.ListDocumentsAsync(id, ct)).ToList();
    }

    public async Task<Result<(IdentityDocument Document, byte[] Content)>> ViewDocumentAsync(Caller caller, string id, string documentId, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        if (await store.GetDocumentAsync(id, documentId, ct) is not { } document) return new NotFound("document", $"document '{documentId}' does not exist");
        await core.AuditAsync(origin, "identity.document-viewed", found.Value, new { document = documentId, kind = document.Document.Kind, sha256 = document.Document.Sha256 });
        return document;
    }

    /// <summary>Approves: the officer vouches for the identity under <paramref name="verifiedName"/> (the applicant's name when empty) and the certificate issues.</summary>
    public async Task<Result<IdentityApplication>> ApproveAsync(Caller caller, string id, string? verifiedName, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        var a = found.Value;
        if (a.Status != ProofingStatus.AwaitingReview) return new Conflict($"application '{id}' is {ProofedIssuance.Code(a.Status)}, not waiting for review");
        var policy = await core.PolicyAsync(a.PolicyId, a.AccountId, ct);
        if (policy is null) return ProofedIssuance.NotFound(id);
        var name = string.IsNullOrWhiteSpace(verifiedName) ? a.VerifiedName ?? a.Name : verifiedName.Trim();
        if (name.Length > 64 || name.Any(char.IsControl)) return new ApplicationInvalid([new FieldError("verifiedName", "at most 64 characters on one line")]);
        var now = core.Clock.GetUtcNow();
        var verified = a with
        {
            Outcome = a.Outcome == VerificationOutcome.Verified ? a.Outcome : VerificationOutcome.Verified, VerifiedName = name,
            Criteria = ProofedIssuance.Criteria(a with { VerifiedName = name }, VerificationOutcome.Verified, name),
        };
        var issued = await core.IssueAsync(verified, policy, origin.Actor, ct);
        if (issued.IsError)
        {
            await core.AuditAsync(origin, "identity.issuance-failed", a, new { reason = issued.Error.Detail });
            return issued.Error;
        }
        var done = verified with { Status = ProofingStatus.Issued, CertificateSerial = issued.Value, DecidedBy = origin.Actor, DecidedAt = now, UpdatedAt = now, Reason = null };
        if (!await core.MoveAsync(done, ProofingStatus.AwaitingReview, ct))
        {
            await core.AuditAsync(origin, "identity.issue-lost-race", a, new { serial = issued.Value });
            return ProofedIssuance.Raced(id);
        }
        await core.AuditAsync(origin, "identity.approved", done, new { verifiedName = name, serial = issued.Value });
        return done;
    }

    public async Task<Result<IdentityApplication>> RejectAsync(Caller caller, string id, string? reason, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        var why = reason?.Trim();
        if (string.IsNullOrEmpty(why) || why.Length > 500) return new ApplicationInvalid([new FieldError("reason", "give the reason the applicant will read (at most 500 characters)")]);
        var a = found.Value;
        if (!ProofingStateMachine.OfficerMayDecide(a.Status)) return new Conflict($"application '{id}' is {ProofedIssuance.Code(a.Status)}, not waiting for a decision");
        var now = core.Clock.GetUtcNow();
        var rejected = a with
        {
            Status = ProofingStatus.Rejected, Reason = why, DecidedBy = origin.Actor, DecidedAt = now, UpdatedAt = now,
            Outcome = a.Verifier == IdentityProofingOptions.DocumentUploadVerifierName ? VerificationOutcome.Rejected : a.Outcome,
        };
        if (!await core.MoveAsync(rejected, a.Status, ct)) return ProofedIssuance.Raced(id);
        await core.AuditAsync(origin, "identity.rejected", rejected, new { reason = why });
        return rejected;
    }

    /// <summary>An external eKYC service's result for an application made in the portal (the attested verifier).</summary>
    public async Task<Result<IdentityApplication>> ReceiveAttestationAsync(Caller caller, string id, IReadOnlyDictionary<string, string?> claims, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        var a = found.Value;
        var policy = await core.PolicyAsync(a.PolicyId, a.AccountId, ct);
        if (policy is null) return ProofedIssuance.NotFound(id);
        if (policy.Verifier == IdentityProofingOptions.DocumentUploadVerifierName) return new Conflict("this application's evidence is uploaded by the applicant");
        if (a.Status != ProofingStatus.AwaitingEvidence) return new Conflict($"application '{id}' is {ProofedIssuance.Code(a.Status)}, not waiting for evidence");
        var result = await core.Verifier(policy).ReceiveEvidenceAsync(a, new IdentityEvidence([], claims), ct);
        if (result.IsError) return result.Error;
        return await core.ApplyResultAsync(a, ProofingStatus.AwaitingEvidence, policy, result.Value, [], origin, ct);
    }
}
