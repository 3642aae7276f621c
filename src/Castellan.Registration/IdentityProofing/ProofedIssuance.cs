using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Authority.Issuance;
using Castellan.Authority.Profiles;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Castellan.Registration.IdentityProofing;

/// <summary>The issued certificate and its chain (PEM), for the applicant or the calling system.</summary>
public sealed record ProofedCertificate(string Serial, string CertificatePem, string ChainPem);

/// <summary>
/// What the three modes share: the policies, tenant access, CSR checks, the verifier call, the criteria, issuance and
/// the audited conditional moves (docs/flows/identity-proofed-issuance.md steps 1-5).
/// </summary>
public sealed class ProofedIssuance(IIdentityProofingStore store, IAccountStore accounts, IProductStore products, ProfileCatalog profiles,
    IssueCertificate issuer, ICertificateStore certificates, CaDirectory cas, IServiceProvider services, IOptions<IdentityProofingOptions> options,
    IProofingPolicyStore accountPolicies, IAuditLog audit, TimeProvider clock)
{
    public IReadOnlyList<ProofingPolicy> Policies => options.Value.EffectivePolicies();

    public ProofingPolicy? Policy(string? id) => Policies.FirstOrDefault(p => p.Id == id);

    /// <summary>
    /// The operator's policy, else an account's; with <paramref name="accountId"/> another account's policy is not found,
    /// so an applicant can only use the policies offered to their own account.
    /// </summary>
    public async Task<ProofingPolicy?> PolicyAsync(string? id, string? accountId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(id)) return null;
        if (Policy(id) is { } configured) return configured;
        var own = await accountPolicies.GetAsync(id.Trim(), ct);
        return own is null || (accountId is not null && own.AccountId != accountId) ? null : own;
    }

    /// <summary>The policies offered in <paramref name="accountId"/>: the operator's, then the account's own.</summary>
    public async Task<IReadOnlyList<ProofingPolicy>> PoliciesOfAsync(string accountId, CancellationToken ct) =>
        Policies.Concat(await accountPolicies.ListAsync(accountId, ct)).ToList();

    public IIdentityVerifier Verifier(ProofingPolicy policy) => services.GetRequiredKeyedService<IIdentityVerifier>(policy.Verifier);

    public TimeProvider Clock => clock;

    /// <summary>The application when the caller's account owns it and the caller holds <paramref name="needed"/>; another tenant's reads as not found.</summary>
    public async Task<Result<IdentityApplication>> FindAsync(Caller caller, string id, Permission needed, bool applicantMay, CancellationToken ct)
    {
        var application = await store.GetAsync(id, ct);
        if (application is null) return NotFound(id);
        var account = await accounts.GetAsync(application.AccountId, ct);
        var permissions = account is null ? null : AccessPolicy.On(caller, account);
        if (permissions is null) return NotFound(id);
        if (permissions.Contains(needed)) return application;
        if (applicantMay && application.ApplicantUserId is { } u && u == caller.UserId) return application;
        return new Forbidden($"this caller lacks the '{needed}' permission on application '{id}'");
    }

    /// <summary>Checks name, email and CSR of a new application; field errors are collected so a form shows each by its field.</summary>
    public async Task<Result<(string Name, string Email, string Csr)>> CheckFormAsync(ProofingPolicy policy, string? name, string? email, string? csr, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var n = name?.Trim();
        if (string.IsNullOrEmpty(n) || n.Length > 64 || n.Any(char.IsControl)) errors.Add(new FieldError("name", "give your full name as on your identity document (at most 64 characters)"));
        var e = Users.Fields.Email(email);
        if (e.IsError) errors.Add(new FieldError("email", e.Error.Detail));
        var checkedCsr = await CheckCsrAsync(policy, csr, ct);
        if (checkedCsr.IsError) errors.Add(new FieldError("csr", checkedCsr.Error.Detail));
        if (errors.Count > 0) return new ApplicationInvalid(errors);
        return (n!, e.Value, checkedCsr.Value);
    }

    /// <summary>The CSR as PEM when its signature verifies (proof of possession, RFC 2986) and its key suits the product's
    /// profile: the same check as the enrolment journeys.</summary>
    private async Task<Result<string>> CheckCsrAsync(ProofingPolicy policy, string? text, CancellationToken ct)
    {
        var profile = await ProfileAsync(policy, ct);
        return profile.IsError ? profile.Error : Enrollment.SubmitEnrolment.CheckCsr(text, profile.Value);
    }

    /// <summary>The common name the CSR asks for, compared with the verified name; the certificate's subject comes from the verified name, not from here.</summary>
    public static string? CommonNameOf(string csr) =>
        CsrReader.Read(csr) is { IsError: false } p
            ? p.Value.Subject.EnumerateRelativeDistinguishedNames().FirstOrDefault(r => !r.HasMultipleElements && r.GetSingleElementType().Value == "2.5.4.3")?.GetSingleElementValue()
            : null;

    /// <summary>Evaluates the criteria against the verifier's result and the application.</summary>
    public static IReadOnlyList<CriterionResult> Criteria(IdentityApplication a, VerificationOutcome outcome, string? verifiedName) =>
        ProofingCriteria.Evaluate(new CriteriaInput(outcome, verifiedName, a.EmailConfirmed, a.Authentication, CommonNameOf(a.Csr)));

    /// <summary>
    /// Applies a verifier's result: records it, and issues, rejects, or queues for review as the mode says. The new
    /// state and the evidence files are written in one conditional update from <paramref name="from"/>.
    /// </summary>
    public async Task<Result<IdentityApplication>> ApplyResultAsync(IdentityApplication application, ProofingStatus from, ProofingPolicy policy,
        VerificationResult result, IReadOnlyList<EvidenceFile> files, RequestOrigin origin, CancellationToken ct)
    {
        var criteria = Criteria(application, result.Outcome, result.VerifiedName);
        // Only the criteria the policy requires decide; the officer still sees every one.
        var step = ProofingStateMachine.Next(policy.Approval, result.Outcome, ProofingCriteria.RequiredBy(policy, criteria));
        var now = clock.GetUtcNow();
        var next = application with
        {
            Outcome = result.Outcome, VerifiedName = result.VerifiedName, EvidenceJson = result.EvidenceJson, Criteria = criteria, UpdatedAt = now,
            Status = ProofingStateMachine.StatusOf(step),
        };
        if (step == ProofingStep.Reject)
        {
            var why = result.Reason ?? string.Join("; ", criteria.Where(c => !c.Passed).Select(c => $"{c.Code}: {c.Detail}"));
            next = next with { Reason = why, DecidedBy = $"policy:{policy.Id}", DecidedAt = now };
        }
        var documents = files.Select(f => Document(application, f, now)).ToList();
        if (step == ProofingStep.Issue)
        {
            // Seed 000 "Automated Approval": the policy is the approver; it issues exactly as an officer would.
            var issued = await IssueAsync(next, policy, $"policy:{policy.Id}", ct);
            if (issued.IsError)
            {
                next = next with { Status = ProofingStatus.AwaitingReview, Reason = "automatic issuance failed: " + issued.Error.Detail };
                if (!await store.TransitionAsync(next, from, documents, ct)) return Raced(application.Id);
                await AuditAsync(origin, "identity.issuance-failed", next, new { reason = issued.Error.Detail });
                return next;
            }
            next = next with { CertificateSerial = issued.Value, DecidedBy = $"policy:{policy.Id}", DecidedAt = now };
        }
        if (!await store.TransitionAsync(next, from, documents, ct))
        {
            if (next.CertificateSerial is { } orphan) await AuditAsync(origin, "identity.issue-lost-race", application, new { serial = orphan });
            return Raced(application.Id);
        }
        await AuditAsync(origin, "identity.evidence-received", next, new
        {
            verifier = policy.Verifier, outcome = Code(result.Outcome), documents = documents.Select(d => new { d.Document.Id, d.Document.Kind, d.Document.Sha256 }),
            criteria = criteria.Select(c => new { c.Code, c.Passed }),
        });
        if (next.Status is ProofingStatus.Issued or ProofingStatus.Rejected)
            await AuditAsync(origin, next.Status == ProofingStatus.Issued ? "identity.issued" : "identity.rejected", next,
                new { decidedBy = next.DecidedBy, serial = next.CertificateSerial, reason = next.Reason });
        return next;
    }

    /// <summary>Issues from the applicant's CSR with the verified name as subject and the applicant's address as the only SAN; returns the serial.</summary>
    public async Task<Result<string>> IssueAsync(IdentityApplication a, ProofingPolicy policy, string actor, CancellationToken ct)
    {
        var product = await products.GetAsync(policy.ProductId, ct);
        if (product is null) return new NotFound("product", $"product '{policy.ProductId}' does not exist");
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(a.VerifiedName ?? a.Name);
        var issued = await issuer.FromCsrAsync(new IssuanceRequest
        {
            ProfileId = product.ProfileId, IssuerId = product.IssuerId, ValidityDays = product.ValidityDays, RequestedBy = actor,
            Subject = subject.Build().Name, Sans = ["email:" + a.Email], Csr = a.Csr,
        }, ct);
        return issued.IsError ? issued.Error : issued.Value.Certificate.Serial.Hex;
    }

    public async Task<Result<ProofedCertificate>> CertificateAsync(IdentityApplication a, CancellationToken ct)
    {
        if (a.Status != ProofingStatus.Issued || a.CertificateSerial is not { } s || !SerialNumber.TryParse(s, out var serial))
            return new Conflict($"application '{a.Id}' has no certificate (it is {Code(a.Status)})");
        var cert = await certificates.GetAsync(serial, ct);
        if (cert?.Der is null) return new Conflict("the certificate is not available");
        var chain = await cas.ChainAsync(cert.CaId, ct);
        return new ProofedCertificate(cert.Serial.Hex, PemEncoding.WriteString("CERTIFICATE", cert.Der) + "\n",
            string.Concat(chain.Select(c => PemEncoding.WriteString("CERTIFICATE", c.RawData) + "\n")));
    }

    public Task StoreAsync(IdentityApplication a, CancellationToken ct) => store.AddAsync(a, ct);

    public Task<bool> MoveAsync(IdentityApplication a, ProofingStatus from, CancellationToken ct) => store.TransitionAsync(a, from, [], ct);

    public Task AuditAsync(RequestOrigin origin, string action, IdentityApplication a, object? extra = null) =>
        audit.AppendAsync(new AuditEvent(origin.Actor, action, $"identity-application:{a.Id}", JsonSerializer.Serialize(new
        {
            application = a.Id, account = a.AccountId, policy = a.PolicyId, email = a.Email, status = Code(a.Status), details = extra,
        }), origin.Address), CancellationToken.None);

    public static string Code(ProofingStatus s) => s switch
    {
        ProofingStatus.AwaitingEvidence => "awaiting-evidence",
        ProofingStatus.AwaitingReview => "awaiting-review",
        ProofingStatus.Issued => "issued",
        _ => "rejected",
    };

    public static string Code(VerificationOutcome o) => o switch
    {
        VerificationOutcome.NeedsReview => "needs-review",
        _ => o.ToString().ToLowerInvariant(),
    };

    public static NotFound NotFound(string id) => new("application", $"application '{id}' does not exist");

    public static Conflict Raced(string id) => new($"application '{id}' was changed meanwhile; reload it");

    private async Task<Result<CertificateProfile>> ProfileAsync(ProofingPolicy policy, CancellationToken ct)
    {
        var product = await products.GetAsync(policy.ProductId, ct);
        if (product is null) return new NotFound("product", $"product '{policy.ProductId}' does not exist");
        return await profiles.FindAsync(product.ProfileId, ct);
    }

    private static (IdentityDocument Document, byte[] Content) Document(IdentityApplication a, EvidenceFile f, DateTimeOffset now)
    {
        var type = Orders.Documents.DocumentTypes.Sniff(f.Content) ?? "application/octet-stream";
        var name = Orders.Documents.OrderDocuments.FileName(f.FileName, type);
        return (new IdentityDocument(Ids.New("idd"), a.Id, a.AccountId, f.Kind, name.IsError ? "document" + Orders.Documents.DocumentTypes.Extension(type) : name.Value,
            type, f.Content.Length, Convert.ToHexStringLower(SHA256.HashData(f.Content)), now), f.Content);
    }
}
