using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Issuance;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Enrollment.RegistrationNumber;

/// <summary>
/// Seed 002 steps 4 and 8, the RA officer's desk (OrdersApprove on the application's account; another tenant's
/// applications read as not found): check the documents against the service's checklist and accept them, or reject
/// them with a reason the applicant reads; record the payment; verify the electronic application, which issues the
/// certificate through the normal pipeline (profile, lint, sign). Every action is audited and moves the stage with one
/// conditional update, so two officers acting at once cannot both win. docs/flows/registration-number-enrolment.md.
/// </summary>
public sealed class RegistrationDesk(IRegistrationNumberStore store, IAccountStore accounts, IProductStore products, ApplicantProfile profile,
    IssueCertificate issuer, INotificationOutbox outbox, Notifications.ActivationLinks links, IAuditLog audit, TimeProvider clock)
{
    public async Task<Result<(IReadOnlyList<RegistrationApplication> Items, int Total)>> ListAsync(Caller caller, string? accountId, RegistrationStatus? status,
        int skip, int take, CancellationToken ct)
    {
        var id = string.IsNullOrWhiteSpace(accountId) ? caller.AccountId : accountId.Trim();
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(id, ct), Permission.OrdersApprove, id);
        if (account.IsError) return account.Error;
        return await store.ListApplicationsAsync(new RegistrationQuery(account.Value.Id, status, Math.Max(0, skip), Math.Clamp(take, 1, 500)), ct);
    }

    /// <summary>The application, its service and documents, when the caller may decide on it.</summary>
    public async Task<Result<ApplicantView>> GetAsync(Caller caller, string id, CancellationToken ct)
    {
        var application = await store.GetApplicationAsync(id, ct);
        if (application is null) return NotFound(id);
        var account = await accounts.GetAsync(application.AccountId, ct);
        var permissions = account is null ? null : AccessPolicy.On(caller, account);
        if (permissions is null) return NotFound(id);
        if (!permissions.Contains(Permission.OrdersApprove)) return new Forbidden($"this caller lacks the '{Permission.OrdersApprove}' permission on application '{id}'");
        return await profile.ReadAsync(id, ct);
    }

    public async Task<Result<(RegistrationDocument Document, byte[] Content)>> DocumentAsync(Caller caller, string id, string documentId, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        if (await store.GetDocumentAsync(id, documentId, ct) is not { } document) return new NotFound("document", $"document '{documentId}' does not exist");
        // Signed identity papers are personal data: every read is audited like a change.
        await RegistrationNumbers.AuditAsync(audit, origin, "registration.document-downloaded", found.Value.Application, new { document = documentId });
        return document;
    }

    /// <summary>Step 4: DocumentsSubmitted -> DocumentsAccepted, only when every checklist item was confirmed present.</summary>
    public async Task<Result<RegistrationApplication>> AcceptDocumentsAsync(Caller caller, string id, IReadOnlyList<string>? checkedItems, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        var (application, service) = (found.Value.Application, found.Value.Service);
        if (application.Status != RegistrationStatus.DocumentsSubmitted) return RegistrationNumbers.WrongStage(application, "have its documents accepted");
        var missing = service.Checklist.Except(checkedItems ?? [], StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            return new RegistrationFormInvalid([new FieldError("checklist", "confirm every required document first; unchecked: " + string.Join(", ", missing))]);
        var now = clock.GetUtcNow();
        var accepted = application with { Status = RegistrationStatus.DocumentsAccepted, Reason = null, DocumentsDecidedBy = origin.Actor, DocumentsDecidedAt = now, UpdatedAt = now };
        if (!await store.TransitionAsync(accepted, RegistrationStatus.DocumentsSubmitted, application.AccessCodeHash, ct)) return Raced(id);
        await RegistrationNumbers.AuditAsync(audit, origin, "registration.documents-accepted", accepted, new { checklist = service.Checklist });
        await MailAsync(accepted, "Your documents were accepted",
            "The Registration Authority accepted your documents. Sign in to your personal profile to generate your key pair and submit the electronic application.");
        return accepted;
    }

    /// <summary>Step 4: DocumentsSubmitted -> DocumentsRejected with the reason; the applicant uploads again.</summary>
    public async Task<Result<RegistrationApplication>> RejectDocumentsAsync(Caller caller, string id, string? reason, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        var application = found.Value.Application;
        var why = reason?.Trim();
        if (string.IsNullOrEmpty(why) || why.Length > 500 || why.Any(c => char.IsControl(c) && c != '\n'))
            return new RegistrationFormInvalid([new FieldError("reason", "give the reason the applicant will read (at most 500 characters)")]);
        if (application.Status != RegistrationStatus.DocumentsSubmitted) return RegistrationNumbers.WrongStage(application, "have its documents rejected");
        var now = clock.GetUtcNow();
        var rejected = application with { Status = RegistrationStatus.DocumentsRejected, Reason = why, DocumentsDecidedBy = origin.Actor, DocumentsDecidedAt = now, UpdatedAt = now };
        if (!await store.TransitionAsync(rejected, RegistrationStatus.DocumentsSubmitted, application.AccessCodeHash, ct)) return Raced(id);
        await RegistrationNumbers.AuditAsync(audit, origin, "registration.documents-rejected", rejected, new { reason = why });
        await MailAsync(rejected, "Your documents need correcting",
            $"The Registration Authority could not accept your documents:\n\n{why}\n\nSign in to your personal profile and upload the corrected documents.");
        return rejected;
    }

    /// <summary>Step 8, the payment: ApplicationSubmitted -> PaymentRecorded with the amount received and its reference.</summary>
    public async Task<Result<RegistrationApplication>> RecordPaymentAsync(Caller caller, string id, decimal? amount, string? reference, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        var (application, service) = (found.Value.Application, found.Value.Service);
        var errors = new List<FieldError>();
        if (amount is not { } paid || paid <= 0 || paid > 1_000_000 || decimal.Round(paid, 2) != paid)
            errors.Add(new FieldError("amount", "give the amount received, above 0 with at most 2 decimals"));
        else if (paid < service.Fee)
            errors.Add(new FieldError("amount", $"the fee is {service.Fee.ToString("0.00", CultureInfo.InvariantCulture)} {service.Currency}; {paid.ToString("0.00", CultureInfo.InvariantCulture)} does not cover it"));
        var r = reference?.Trim() ?? "";
        if (r.Length is 0 or > 100 || r.Any(char.IsControl)) errors.Add(new FieldError("reference", "give the payment reference (1 to 100 characters)"));
        if (errors.Count > 0) return new RegistrationFormInvalid(errors);
        if (application.Status != RegistrationStatus.ApplicationSubmitted) return RegistrationNumbers.WrongStage(application, "have a payment recorded");
        var now = clock.GetUtcNow();
        var paidApplication = application with
        {
            Status = RegistrationStatus.PaymentRecorded, PaymentAmount = amount, PaymentCurrency = service.Currency, PaymentReference = r,
            PaymentRecordedBy = origin.Actor, PaymentRecordedAt = now, UpdatedAt = now,
        };
        if (!await store.TransitionAsync(paidApplication, RegistrationStatus.ApplicationSubmitted, application.AccessCodeHash, ct)) return Raced(id);
        await RegistrationNumbers.AuditAsync(audit, origin, "registration.payment-recorded", paidApplication, new { amount, currency = service.Currency, reference = r });
        return paidApplication;
    }

    /// <summary>
    /// Step 8, verification: PaymentRecorded -> Verified, then issuance from the CSR (profile, issuing CA and validity of
    /// the service's product; subject and email SAN from the registration), then Verified -> Issued. If issuance fails the
    /// application stays Verified with the reason, and verifying again retries only the issuance.
    /// </summary>
    public async Task<Result<RegistrationApplication>> VerifyAsync(Caller caller, string id, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, ct);
        if (found.IsError) return found.Error;
        var (application, service) = (found.Value.Application, found.Value.Service);
        if (application.Status is not (RegistrationStatus.PaymentRecorded or RegistrationStatus.Verified)) return RegistrationNumbers.WrongStage(application, "be verified");
        var now = clock.GetUtcNow();
        var verified = application;
        if (application.Status == RegistrationStatus.PaymentRecorded)
        {
            verified = application with { Status = RegistrationStatus.Verified, VerifiedBy = origin.Actor, VerifiedAt = now, UpdatedAt = now };
            if (!await store.TransitionAsync(verified, RegistrationStatus.PaymentRecorded, application.AccessCodeHash, ct)) return Raced(id);
            await RegistrationNumbers.AuditAsync(audit, origin, "registration.verified", verified);
        }

        var product = await products.GetAsync(service.ProductId, ct);
        var certificateProfile = await profile.ProfileOfAsync(service, ct);
        if (product is null || certificateProfile is null) return new NotFound("product", $"product '{service.ProductId}' does not exist");
        var issued = await issuer.FromCsrAsync(new IssuanceRequest
        {
            ProfileId = product.ProfileId, IssuerId = product.IssuerId, ValidityDays = product.ValidityDays, RequestedBy = origin.Actor,
            Subject = SubjectFor(certificateProfile, verified), Sans = ["email:" + verified.Email], Csr = verified.Csr,
        }, ct);
        if (issued.IsError)
        {
            var failed = verified with { Reason = "issuance failed: " + issued.Error.Detail, UpdatedAt = clock.GetUtcNow() };
            await store.TransitionAsync(failed, RegistrationStatus.Verified, verified.AccessCodeHash, ct);
            await RegistrationNumbers.AuditAsync(audit, origin, "registration.issuance-failed", verified, new { reason = issued.Error.Detail });
            return issued.Error;
        }
        var serial = issued.Value.Certificate.Serial.Hex;
        var done = verified with { Status = RegistrationStatus.Issued, CertificateSerial = serial, IssuedAt = clock.GetUtcNow(), Reason = null, UpdatedAt = clock.GetUtcNow() };
        if (!await store.TransitionAsync(done, RegistrationStatus.Verified, verified.AccessCodeHash, ct))
        {
            // Another officer's verification issued first; this certificate is orphaned, so say so in the log.
            await RegistrationNumbers.AuditAsync(audit, origin, "registration.issue-lost-race", verified, new { serial });
            return Raced(id);
        }
        await RegistrationNumbers.AuditAsync(audit, origin, "registration.issued", done, new { serial });
        await MailAsync(done, "Your certificate is issued", "Your certificate is issued. Download it from your personal profile.");
        return done;
    }

    /// <summary>S/MIME BR 7.1.4.2.2: in a mailbox-validated certificate the commonName, if present, is the mailbox address.</summary>
    internal static string SubjectFor(CertificateProfile profile, RegistrationApplication a)
    {
        var b = new X500DistinguishedNameBuilder();
        var cn = profile.Trust == TrustStyle.PublicSmime ? a.Email : a.FullName;
        if (profile.AllowedSubjectAttributes.Contains("CN") && cn.Length <= 64) b.AddCommonName(cn);
        return b.Build().Name;
    }

    private Task MailAsync(RegistrationApplication a, string subject, string text) =>
        outbox.EnqueueAsync(new OutgoingMessage(Ids.New("msg"), a.Email, $"{subject} ({a.Number})",
            $"Hello {a.FullName},\n\n{text}\n\nRegistration number: {a.Number}\nPersonal profile: {links.PortalUrl}/applicant\n", clock.GetUtcNow()), CancellationToken.None);

    private static Conflict Raced(string id) => new($"application '{id}' changed meanwhile; reload it");

    private static NotFound NotFound(string id) => new("application", $"application '{id}' does not exist");
}
