using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Issuance;
using Castellan.Authority.Profiles;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Notifications;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Enrollment;

/// <summary>
/// Seed 001 stage two, "Digi-CA Action": the authorisation panel. An approver (OrdersApprove on the account) approves
/// or rejects with a reason; the policy approves by itself when it says automatic. Approval issues from the CSR at
/// once (a server key is generated at collection instead, so it is never kept) and emails the collection link.
/// Every decision is audited; a decision races safely (one conditional update wins). docs/flows/enrolment.md step 4.
/// </summary>
public sealed class DecideEnrolment(IEnrolmentStore store, IAccountStore accounts, IProductStore products, ProfileCatalog profiles, IssueCertificate issuer,
    Notifier notifier, ActivationLinks links, ChargeEnrolment charges, IAuditLog audit, TimeProvider clock)
{
    /// <summary>How long the collection link works.</summary>
    public static readonly TimeSpan CollectLinkLifetime = TimeSpan.FromDays(7);

    public async Task<Result<(IReadOnlyList<Invitation> Items, int Total)>> ListAsync(Caller caller, string? accountId, string? policyId, InvitationStatus? status,
        Permission needed, int skip, int take, CancellationToken ct)
    {
        var id = string.IsNullOrWhiteSpace(accountId) ? caller.AccountId : accountId.Trim();
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(id, ct), needed, id);
        if (account.IsError) return account.Error;
        return await store.ListInvitationsAsync(new InvitationQuery(account.Value.Id, policyId, status, Math.Max(0, skip), Math.Clamp(take, 1, 500)), ct);
    }

    public async Task<Result<Invitation>> GetAsync(Caller caller, string id, Permission needed, CancellationToken ct)
    {
        var invitation = await store.GetInvitationAsync(id, ct);
        if (invitation is null) return NotFound(id);
        var account = await accounts.GetAsync(invitation.AccountId, ct);
        var permissions = account is null ? null : AccessPolicy.On(caller, account);
        if (permissions is null) return NotFound(id);
        return permissions.Contains(needed) ? invitation : new Forbidden($"this caller lacks the '{needed}' permission on invitation '{id}'");
    }

    public async Task<Result<Invitation>> ApproveAsync(Caller caller, string id, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, Permission.OrdersApprove, ct);
        if (found.IsError) return found.Error;
        var policy = await store.GetPolicyAsync(found.Value.PolicyId, ct);
        if (policy is null) return NotFound(id);
        return await ApproveSubmittedAsync(found.Value, policy, origin, ct);
    }

    public async Task<Result<Invitation>> RejectAsync(Caller caller, string id, string? reason, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, Permission.OrdersApprove, ct);
        if (found.IsError) return found.Error;
        var why = reason?.Trim();
        if (string.IsNullOrEmpty(why) || why.Length > 500) return new EnrolmentFormInvalid([new FieldError("reason", "give the reason the applicant will read (at most 500 characters)")]);
        var invitation = found.Value;
        if (invitation.Status is not (InvitationStatus.Submitted or InvitationStatus.Invited)) return NotPending(invitation);
        var now = clock.GetUtcNow();
        var rejected = invitation with { Status = InvitationStatus.Rejected, Reason = why, DecidedBy = origin.Actor, DecidedAt = now, UpdatedAt = now };
        if (!await store.TransitionAsync(rejected, invitation.Status, ct)) return new Conflict($"invitation '{id}' was decided meanwhile");
        await EnrolmentLinks.AuditAsync(audit, origin, "enrolment.rejected", rejected, new { reason = why });
        var policy = await store.GetPolicyAsync(invitation.PolicyId, ct);
        await notifier.SendAsync(invitation.AccountId, NotificationEvent.EnrolmentRejected, invitation.Email, new Dictionary<string, string>
        {
            ["name"] = InviteApplicants.DisplayName(invitation), ["policy"] = policy?.Name ?? "", ["reason"] = why, ["portalUrl"] = links.PortalUrl,
        }, ct);
        return rejected;
    }

    /// <summary>Issues from the CSR (not for server keys), then moves Submitted -> Approved with a fresh collection link, emailed.</summary>
    internal async Task<Result<Invitation>> ApproveSubmittedAsync(Invitation invitation, EnrolmentPolicy policy, RequestOrigin origin, CancellationToken ct)
    {
        if (invitation.Status != InvitationStatus.Submitted) return NotPending(invitation);
        var request = await IssuanceRequestAsync(invitation, policy, origin.Actor, ct);
        if (request.IsError) return request.Error;

        // Pay first, like an order: a balance that does not cover the certificate refuses before anything is signed,
        // and the invitation stays Submitted, to be approved again once the account is credited. A server key is
        // generated at collection, but approving it is what commits the certificate, so it is charged here too.
        var paid = await charges.ChargeAsync(invitation, policy, origin.Actor, ct);
        if (paid.IsError)
        {
            await EnrolmentLinks.AuditAsync(audit, origin, "enrolment.payment-refused", invitation, new { reason = paid.Error.Detail });
            return paid.Error;
        }
        string? serial = null;
        if (invitation.KeySource != EnrolmentKeySource.Server)
        {
            var issued = await issuer.FromCsrAsync(request.Value with { Csr = invitation.Csr }, ct);
            if (issued.IsError)
            {
                // Nothing was issued, so nothing is owed: the charge goes back as a credit note.
                var note = paid.Value is { } charged ? await charges.RefundAsync(invitation.Id, charged, origin.Actor, ct) : null;
                await EnrolmentLinks.AuditAsync(audit, origin, "enrolment.issuance-failed", invitation, new { reason = issued.Error.Detail, creditNote = note });
                return issued.Error;
            }
            serial = issued.Value.Certificate.Serial.Hex;
        }
        var now = clock.GetUtcNow();
        var token = EnrolmentLinks.NewToken(EnrolmentLinks.CollectPrefix);
        var approved = invitation with
        {
            Status = InvitationStatus.Approved, DecidedBy = origin.Actor, DecidedAt = now, UpdatedAt = now, Reason = null,
            CollectTokenHash = EnrolmentLinks.Hash(token), CollectExpiresAt = now + CollectLinkLifetime, CertificateSerial = serial,
        };
        if (!await store.TransitionAsync(approved, InvitationStatus.Submitted, ct))
        {
            // Lost a race with another decision after signing: the certificate exists, so record that it is orphaned.
            // A racing approval shares the same debit (keyed by the invitation); a rejection that won means nobody
            // collects, so the charge goes back.
            var current = await store.GetInvitationAsync(invitation.Id, ct);
            var note = paid.Value is { } charged && current is { Status: not (InvitationStatus.Approved or InvitationStatus.Collected) }
                ? await charges.RefundAsync(invitation.Id, charged, origin.Actor, ct) : null;
            await EnrolmentLinks.AuditAsync(audit, origin, "enrolment.approve-lost-race", invitation, new { serial, creditNote = note });
            return new Conflict($"invitation '{invitation.Id}' was decided meanwhile");
        }
        await EnrolmentLinks.AuditAsync(audit, origin, "enrolment.approved", approved, new { serial, debit = paid.Value });
        await notifier.SendAsync(invitation.AccountId, NotificationEvent.EnrolmentApproved, invitation.Email, new Dictionary<string, string>
        {
            ["name"] = InviteApplicants.DisplayName(invitation), ["policy"] = policy.Name, ["collectLink"] = $"{links.PortalUrl}/collect/{token}",
            ["expiresAt"] = approved.CollectExpiresAt!.Value.ToString("u"), ["portalUrl"] = links.PortalUrl,
        }, ct);
        return approved;
    }

    /// <summary>The product's profile, CA and validity; the subject from the form and the invited address as the only SAN.</summary>
    internal async Task<Result<IssuanceRequest>> IssuanceRequestAsync(Invitation invitation, EnrolmentPolicy policy, string actor, CancellationToken ct)
    {
        var product = await products.GetAsync(policy.ProductId, ct);
        if (product is null) return new NotFound("product", $"product '{policy.ProductId}' does not exist");
        var profile = await profiles.FindAsync(product.ProfileId, ct);
        if (profile.IsError) return profile.Error;
        return new IssuanceRequest
        {
            ProfileId = product.ProfileId, IssuerId = product.IssuerId, ValidityDays = product.ValidityDays, RequestedBy = actor,
            Subject = SubmitEnrolment.SubjectFor(profile.Value, invitation), Sans = ["email:" + invitation.Email],
        };
    }

    private static Conflict NotPending(Invitation i) => new($"invitation '{i.Id}' is {i.Status.ToString().ToLowerInvariant()}, not waiting for a decision");

    private static NotFound NotFound(string id) => new("invitation", $"invitation '{id}' does not exist");
}
