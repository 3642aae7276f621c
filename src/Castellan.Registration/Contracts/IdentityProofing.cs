namespace Castellan.Registration.Contracts;

/// <summary>
/// The three approval modes of seed 000 ("Certificate Application" options): an RA officer reviews every application
/// (Manual); the RA issues by itself when every predefined criterion passes and otherwise hands it to an officer with
/// the failed criteria listed (Automatic); an external system posts the application with its identity evidence and
/// gets the decision in the same response (Api).
/// </summary>
public enum ProofingApproval { Manual, Automatic, Api }

/// <summary>
/// One identity-proofed certificate offer: the product (hence profile, CA, validity), the approval mode and the
/// identity verifier (by its configured name, see <see cref="IIdentityVerifier.Name"/>). The operator's policies come
/// from configuration (<c>Castellan:IdentityProofing:Policies</c>) and are offered to every tenant; an account's
/// administrator adds its own (<see cref="AccountId"/> set), offered only in that account.
/// </summary>
public sealed record ProofingPolicy(string Id, string Name, string ProductId, ProofingApproval Approval, string Verifier)
{
    /// <summary>The codes of every criterion the RA evaluates (seed 000 "predefined criteria").</summary>
    public static readonly IReadOnlyList<string> AllCriteria = ["identity-verified", "email-confirmed", "strong-authentication", "name-matches"];

    /// <summary>The owning account; null for the operator's configured policies, which no tenant may change.</summary>
    public string? AccountId { get; init; }

    /// <summary>
    /// The criteria that must pass for the automatic and API modes to issue without an officer; all of them unless
    /// the account's administrator chose fewer ("identity-verified" is always among them). Every criterion is still
    /// evaluated and shown to the officer.
    /// </summary>
    public IReadOnlyList<string> Criteria { get; init; } = AllCriteria;

    public string? CreatedBy { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>What an administrator sends to define or change an account's proofing policy; every field is checked by the RA.</summary>
public sealed record ProofingPolicyInput(string? Name, string? ProductId, string? Approval, string? Verifier, IReadOnlyList<string>? Criteria);

/// <summary>An account's proofing policies, implemented by Castellan.Storage.</summary>
public interface IProofingPolicyStore
{
    Task AddAsync(ProofingPolicy policy, CancellationToken ct);

    Task<ProofingPolicy?> GetAsync(string id, CancellationToken ct);

    /// <summary>By name.</summary>
    Task<IReadOnlyList<ProofingPolicy>> ListAsync(string accountId, CancellationToken ct);

    /// <summary>Writes name, product, approval, verifier and criteria; false when the policy is gone.</summary>
    Task<bool> UpdateAsync(ProofingPolicy policy, CancellationToken ct);
}

/// <summary>A proofing policy failed its checks; each error names its field so the page shows it there.</summary>
public sealed record ProofingPolicyInvalid(IReadOnlyList<FieldError> Errors)
    : CastellanError("the policy is invalid: " + string.Join("; ", Errors.Select(e => $"{e.Field}: {e.Detail}")));

/// <summary>
/// Where an application is (docs/flows/identity-proofed-issuance.md): AwaitingEvidence (applied, verification started)
/// -> AwaitingReview (evidence in; an officer decides) or straight to Issued / Rejected when the mode decides alone.
/// Issued and Rejected are final. Every move is one conditional update from the state it was read in.
/// </summary>
public enum ProofingStatus { AwaitingEvidence, AwaitingReview, Issued, Rejected }

/// <summary>What a verifier concluded about the applicant's identity.</summary>
public enum VerificationOutcome { Pending, Verified, Rejected, NeedsReview }

/// <summary>How the applicant proved who is applying when the application was made (RFC 8176 "amr" in spirit).</summary>
public enum ApplicantAuthentication { Password, Totp, ClientCertificate, ApiKey }

/// <summary>
/// A verifier's result: the outcome, the name it verified (when it verified one), why it rejected, and the evidence it
/// relied on as a JSON document for the record (never the document bytes themselves, which are stored apart).
/// </summary>
public sealed record VerificationResult(VerificationOutcome Outcome, string? VerifiedName, string? Reason, string EvidenceJson);

/// <summary>One uploaded evidence file as the applicant sent it; the verifier checks it, the RA stores it.</summary>
public sealed record EvidenceFile(string Kind, string? FileName, string? ClaimedContentType, byte[] Content);

/// <summary>
/// Evidence handed to a verifier: uploaded files (document-upload) and/or claims from an external eKYC service
/// (e.g. result, verifiedName, provider, reference, emailConfirmed).
/// </summary>
public sealed record IdentityEvidence(IReadOnlyList<EvidenceFile> Files, IReadOnlyDictionary<string, string?> Claims);

/// <summary>
/// A pluggable identity verifier (an eKYC service or the RA's own document check). Registered as a keyed singleton
/// under <see cref="Name"/>, and offered only when listed in <c>Castellan:IdentityProofing:Verifiers</c>. The RA calls
/// <see cref="StartAsync"/> once when the application is made and <see cref="ReceiveEvidenceAsync"/> whenever evidence
/// arrives (an upload, an eKYC callback); it stores what the verifier returns and never trusts evidence it did not see.
/// </summary>
public interface IIdentityVerifier
{
    string Name { get; }

    /// <summary>Begins verification; returns what the applicant is told to do next.</summary>
    Task<string> StartAsync(IdentityApplication application, CancellationToken ct);

    /// <summary>Checks the evidence; an error means the evidence itself is unusable (nothing is stored), a result is recorded.</summary>
    Task<Result<VerificationResult>> ReceiveEvidenceAsync(IdentityApplication application, IdentityEvidence evidence, CancellationToken ct);
}

/// <summary>One predefined criterion of automatic approval, as evaluated, with what was found.</summary>
public sealed record CriterionResult(string Code, bool Passed, string Detail);

/// <summary>
/// An application for an identity-proofed certificate. <see cref="Csr"/> is the applicant's PKCS#10 (PEM; a browser
/// key never leaves the browser). <see cref="Criteria"/> is the last evaluation, shown to the officer.
/// </summary>
public sealed record IdentityApplication(
    string Id,
    string AccountId,
    string PolicyId,
    string Name,
    string Email,
    string Csr,
    ProofingStatus Status,
    ApplicantAuthentication Authentication,
    bool EmailConfirmed,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The applicant's login when applied through the portal; null for the API mode.</summary>
    public string? ApplicantUserId { get; init; }

    public string Verifier { get; init; } = "";
    public VerificationOutcome Outcome { get; init; } = VerificationOutcome.Pending;
    public string? VerifiedName { get; init; }
    public string? EvidenceJson { get; init; }
    public IReadOnlyList<CriterionResult> Criteria { get; init; } = [];

    /// <summary>Why it was rejected (by the verifier, an officer or the criteria), or why issuance failed.</summary>
    public string? Reason { get; init; }
    public string? DecidedBy { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public string? CertificateSerial { get; init; }
}

/// <summary>An evidence file as stored: content type sniffed from its bytes, name sanitised, SHA-256 for the record.</summary>
public sealed record IdentityDocument(string Id, string ApplicationId, string AccountId, string Kind, string FileName, string ContentType, long Size,
    string Sha256, DateTimeOffset UploadedAt);

public sealed record IdentityApplicationQuery(string AccountId, ProofingStatus? Status, string? ApplicantUserId, int Skip, int Take);

/// <summary>Application and evidence storage, implemented by Castellan.Storage.</summary>
public interface IIdentityProofingStore
{
    Task AddAsync(IdentityApplication application, CancellationToken ct);

    Task<IdentityApplication?> GetAsync(string id, CancellationToken ct);

    /// <summary>Oldest first, so a review queue is served in arrival order.</summary>
    Task<IReadOnlyList<IdentityApplication>> ListAsync(IdentityApplicationQuery query, CancellationToken ct);

    /// <summary>
    /// One conditional UPDATE of every mutable field when the row is still in <paramref name="from"/>, adding
    /// <paramref name="documents"/> in the same transaction: of two racing decisions exactly one wins, and evidence is
    /// never stored for a move that lost.
    /// </summary>
    Task<bool> TransitionAsync(IdentityApplication application, ProofingStatus from, IReadOnlyList<(IdentityDocument Document, byte[] Content)> documents, CancellationToken ct);

    Task<IReadOnlyList<IdentityDocument>> ListDocumentsAsync(string applicationId, CancellationToken ct);

    Task<(IdentityDocument Document, byte[] Content)?> GetDocumentAsync(string applicationId, string documentId, CancellationToken ct);
}

/// <summary>The application form or the evidence failed its checks; each error names its field so the page shows it there.</summary>
public sealed record ApplicationInvalid(IReadOnlyList<FieldError> Errors)
    : CastellanError("the application is invalid: " + string.Join("; ", Errors.Select(e => $"{e.Field}: {e.Detail}")));

/// <summary>The API-driven mode refused the application in real time; <see cref="Criteria"/> says which criteria failed.</summary>
public sealed record ApplicationRefused(string ApplicationId, string Reason, IReadOnlyList<CriterionResult> Criteria)
    : CastellanError("the application was rejected: " + Reason);
