namespace Castellan.Registration.Contracts;

/// <summary>Where the applicant's key comes from (seed 001 "Enrolment Policy" key options).</summary>
public enum EnrolmentKeySource
{
    /// <summary>The applicant's browser generates the key (WebCrypto) and builds the CSR; the key never leaves the browser.</summary>
    Browser,

    /// <summary>The applicant pastes a CSR made elsewhere.</summary>
    PastedCsr,

    /// <summary>The CA generates the key and hands it over once, inside a PKCS#12, at collection (the profile must allow it).</summary>
    Server,
}

/// <summary>Who approves a submitted enrolment: an administrator in the authorisation panel, or the policy itself.</summary>
public enum EnrolmentApproval { Manual, Automatic }

/// <summary>The enrolment form's optional fields; the email address is always fixed by the invitation.</summary>
public static class EnrolmentFields
{
    public const string GivenName = "givenName";
    public const string Surname = "surname";
    public const string OrganisationUnit = "organisationUnit";

    public static readonly IReadOnlyList<string> All = [GivenName, Surname, OrganisationUnit];
}

/// <summary>
/// Seed 001 "Enrolment Policy": how one account invites people to a certificate. The product (hence the CA profile,
/// issuing CA and validity) decides what is issued; the policy decides the form, the key sources the applicant may
/// use, who approves and how long each emailed link works. Enrolments are not priced (see docs/flows/enrolment.md).
/// </summary>
public sealed record EnrolmentPolicy(
    string Id,
    string AccountId,
    string Name,
    string ProductId,
    IReadOnlyList<string> RequiredFields,
    IReadOnlyList<EnrolmentKeySource> KeySources,
    EnrolmentApproval Approval,
    TimeSpan LinkLifetime,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>The body of a policy create or update; every field is checked by the RA.</summary>
public sealed record EnrolmentPolicyInput(string? Name, string? ProductId, IReadOnlyList<string>? RequiredFields, IReadOnlyList<string>? KeySources,
    string? Approval, int? LinkLifetimeHours);

/// <summary>
/// Where one invitation is in seed 001's two stages. Invited (enrolment link out) -> Submitted (form and key in) ->
/// Approved (certificate issued, or for server keys approved to be issued at collection; collection link out) ->
/// Collected. Rejected ends it. An unused link past its expiry reads as expired; the status itself is not rewritten.
/// </summary>
public enum InvitationStatus { Invited, Submitted, Approved, Collected, Rejected }

/// <summary>
/// One invited person under a policy, and their enrolment. Only SHA-256 hashes of the two link tokens are kept
/// (<see cref="EnrolTokenHash"/>, <see cref="CollectTokenHash"/>), so a database reader cannot use a link. The email
/// address is the invited one and is the certificate's only email SAN, whatever a CSR says.
/// </summary>
public sealed record Invitation(
    string Id,
    string AccountId,
    string PolicyId,
    string Email,
    InvitationStatus Status,
    string EnrolTokenHash,
    DateTimeOffset EnrolExpiresAt,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Values from the CSV, replaced by what the applicant submits.</summary>
    public string? GivenName { get; init; }
    public string? Surname { get; init; }
    public string? OrganisationUnit { get; init; }

    public EnrolmentKeySource? KeySource { get; init; }

    /// <summary>The submitted CSR (PEM); null for server-generated keys. Never a private key.</summary>
    public string? Csr { get; init; }

    public DateTimeOffset? SubmittedAt { get; init; }
    public string? DecidedBy { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>Why it was rejected, or why issuance failed.</summary>
    public string? Reason { get; init; }

    public string? CollectTokenHash { get; init; }
    public DateTimeOffset? CollectExpiresAt { get; init; }
    public string? CertificateSerial { get; init; }
    public DateTimeOffset? CollectedAt { get; init; }

    public bool EnrolLinkExpired(DateTimeOffset now) => Status == InvitationStatus.Invited && EnrolExpiresAt <= now;
}

/// <summary>What the applicant submits on the public enrolment page (or its REST twin).</summary>
public sealed record EnrolmentSubmission(string? GivenName, string? Surname, string? OrganisationUnit, string? KeySource, string? Csr);

/// <summary>One line of an uploaded CSV: invited (with the invitation) or refused (with why); line 1 is the header.</summary>
public sealed record CsvLineResult(int Line, string? Email, bool Invited, string? InvitationId, string? Detail);

public sealed record CsvInviteReport(string PolicyId, int Invited, int Refused, IReadOnlyList<CsvLineResult> Lines);

public sealed record InvitationQuery(string AccountId, string? PolicyId, InvitationStatus? Status, int Skip, int Take);

/// <summary>Policy and invitation storage, implemented by Castellan.Storage.</summary>
public interface IEnrolmentStore
{
    Task AddPolicyAsync(EnrolmentPolicy policy, CancellationToken ct);
    Task<EnrolmentPolicy?> GetPolicyAsync(string id, CancellationToken ct);
    Task<IReadOnlyList<EnrolmentPolicy>> ListPoliciesAsync(string accountId, CancellationToken ct);
    Task<bool> UpdatePolicyAsync(EnrolmentPolicy policy, CancellationToken ct);

    /// <summary>False when the policy has invitations (they keep naming it).</summary>
    Task<bool> DeletePolicyAsync(string id, CancellationToken ct);

    Task AddInvitationAsync(Invitation invitation, CancellationToken ct);
    Task<Invitation?> GetInvitationAsync(string id, CancellationToken ct);
    Task<Invitation?> FindByEnrolTokenHashAsync(string hash, CancellationToken ct);
    Task<Invitation?> FindByCollectTokenHashAsync(string hash, CancellationToken ct);

    /// <summary>Emails of the policy's invitations that are still open (not rejected or collected), lower-case.</summary>
    Task<IReadOnlySet<string>> OpenEmailsAsync(string policyId, CancellationToken ct);

    /// <summary>Newest first.</summary>
    Task<(IReadOnlyList<Invitation> Items, int Total)> ListInvitationsAsync(InvitationQuery query, CancellationToken ct);

    /// <summary>
    /// One conditional UPDATE writing every mutable field of <paramref name="invitation"/> when the row is still in
    /// <paramref name="from"/>: of two racing submissions or decisions exactly one wins.
    /// </summary>
    Task<bool> TransitionAsync(Invitation invitation, InvitationStatus from, CancellationToken ct);
}

/// <summary>Why an emailed link cannot be used; the public pages say which, and nothing else about the invitation.</summary>
public enum LinkState { Unknown, Used, Expired }

public sealed record EnrolmentLinkUnusable(LinkState State) : CastellanError(State switch
{
    LinkState.Used => "this link was already used",
    LinkState.Expired => "this link has expired",
    _ => "this link does not exist",
});

/// <summary>The enrolment form failed its checks; each error names its field so the page shows it there.</summary>
public sealed record EnrolmentFormInvalid(IReadOnlyList<FieldError> Errors)
    : CastellanError("the enrolment form is invalid: " + string.Join("; ", Errors.Select(e => $"{e.Field}: {e.Detail}")));

/// <summary>The uploaded CSV is larger than the RA reads in one upload.</summary>
public sealed record CsvTooLarge(string Detail) : CastellanError(Detail);
