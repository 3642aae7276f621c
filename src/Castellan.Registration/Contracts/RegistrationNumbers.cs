namespace Castellan.Registration.Contracts;

/// <summary>
/// Seed 002 "types of services offered": a product an account's administrator enables for registration-number
/// enrolment, with the documents the applicant must send (the RA checks them against <see cref="Checklist"/>) and the
/// fee the RA collects before it verifies. Only enabled services are offered on the public registration page.
/// </summary>
public sealed record RegistrationService(string Id, string AccountId, string Name, string ProductId, IReadOnlyList<string> Checklist,
    decimal Fee, string Currency, bool Enabled, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>The body of a service enablement; every field is checked by the RA.</summary>
public sealed record RegistrationServiceInput(string? Name, string? ProductId, IReadOnlyList<string>? Checklist, decimal? Fee, string? Currency);

/// <summary>
/// Seed 002 "Process status", in the order the stages happen: Registered (number and initial access code mailed) ->
/// AccessCodeChanged (step 2) -> DocumentsSubmitted (step 3) -> DocumentsRejected (back to the applicant, who uploads
/// again) or DocumentsAccepted (step 4) -> ApplicationSubmitted (step 7, the CSR) -> PaymentRecorded -> Verified
/// (step 8) -> Issued (step 9). Every move is one conditional update from the expected stage.
/// </summary>
public enum RegistrationStatus
{
    Registered,
    AccessCodeChanged,
    DocumentsSubmitted,
    DocumentsRejected,
    DocumentsAccepted,
    ApplicationSubmitted,
    PaymentRecorded,
    Verified,
    Issued,
}

/// <summary>
/// One applicant's registration (seed 002). <see cref="Number"/> is the human-readable REGISTRATION NUMBER, unique
/// across the system; the access code is kept only as a PBKDF2 hash (<see cref="AccessCodeHash"/>), like passwords.
/// </summary>
public sealed record RegistrationApplication(
    string Id,
    string Number,
    string AccountId,
    string ServiceId,
    string FullName,
    string Email,
    RegistrationStatus Status,
    string AccessCodeHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Consecutive wrong access codes; the sign-in locks like a user's (Users/Lockout.cs).</summary>
    public int FailedSignIns { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }
    public DateTimeOffset? AccessCodeChangedAt { get; init; }

    /// <summary>Why the documents were rejected (shown to the applicant), or why issuance failed.</summary>
    public string? Reason { get; init; }
    public string? DocumentsDecidedBy { get; init; }
    public DateTimeOffset? DocumentsDecidedAt { get; init; }

    /// <summary>The submitted CSR (PEM); never a private key.</summary>
    public string? Csr { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public decimal? PaymentAmount { get; init; }
    public string? PaymentCurrency { get; init; }
    public string? PaymentReference { get; init; }
    public string? PaymentRecordedBy { get; init; }
    public DateTimeOffset? PaymentRecordedAt { get; init; }
    public string? VerifiedBy { get; init; }
    public DateTimeOffset? VerifiedAt { get; init; }
    public string? CertificateSerial { get; init; }
    public DateTimeOffset? IssuedAt { get; init; }
}

/// <summary>A signed document the applicant uploaded; <see cref="ContentType"/> is sniffed from the bytes.</summary>
public sealed record RegistrationDocument(string Id, string ApplicationId, string AccountId, string FileName, string ContentType, long Size, string Sha256,
    DateTimeOffset UploadedAt);

public sealed record RegistrationQuery(string AccountId, RegistrationStatus? Status, int Skip, int Take);

/// <summary>Services, applications and their documents, implemented by Castellan.Storage.</summary>
public interface IRegistrationNumberStore
{
    Task AddServiceAsync(RegistrationService service, CancellationToken ct);
    Task<RegistrationService?> GetServiceAsync(string id, CancellationToken ct);

    /// <summary>Writes the editable fields (name, product, checklist, fee, currency, enabled); false when the service is gone.</summary>
    Task<bool> UpdateServiceAsync(RegistrationService service, CancellationToken ct);

    /// <summary>The account's services, or with null every enabled service (the public registration page).</summary>
    Task<IReadOnlyList<RegistrationService>> ListServicesAsync(string? accountId, CancellationToken ct);

    /// <summary>False when the registration number is taken (the caller draws another).</summary>
    Task<bool> AddApplicationAsync(RegistrationApplication application, CancellationToken ct);
    Task<RegistrationApplication?> GetApplicationAsync(string id, CancellationToken ct);
    Task<RegistrationApplication?> FindByNumberAsync(string number, CancellationToken ct);

    /// <summary>Newest first.</summary>
    Task<(IReadOnlyList<RegistrationApplication> Items, int Total)> ListApplicationsAsync(RegistrationQuery query, CancellationToken ct);

    /// <summary>
    /// One conditional UPDATE writing every mutable field of <paramref name="application"/> when the row is still in
    /// <paramref name="from"/> with the same access-code hash it was read with: of two racing moves exactly one wins.
    /// </summary>
    Task<bool> TransitionAsync(RegistrationApplication application, RegistrationStatus from, string expectedCodeHash, CancellationToken ct);

    /// <summary>Writes the sign-in bookkeeping (failures, lock) only.</summary>
    Task RecordSignInAsync(string id, int failedSignIns, DateTimeOffset? lockedUntil, CancellationToken ct);

    Task AddDocumentAsync(RegistrationDocument document, byte[] content, CancellationToken ct);
    Task<IReadOnlyList<RegistrationDocument>> ListDocumentsAsync(string applicationId, CancellationToken ct);
    Task<(RegistrationDocument Document, byte[] Content)?> GetDocumentAsync(string applicationId, string documentId, CancellationToken ct);
}

/// <summary>The registration number or access code is wrong; says nothing about which.</summary>
public sealed record AccessCodeRefused(int AttemptsLeft)
    : CastellanError(AttemptsLeft > 0 ? $"the registration number or access code is wrong; {AttemptsLeft} attempts before the sign-in locks" : "the registration number or access code is wrong");

/// <summary>Too many wrong access codes: the sign-in is locked until <see cref="Until"/>.</summary>
public sealed record AccessCodeLocked(DateTimeOffset Until)
    : CastellanError($"too many wrong access codes; try again after {Until:yyyy-MM-dd HH:mm} UTC");

/// <summary>A registration form failed its checks; each error names its field so the page shows it there.</summary>
public sealed record RegistrationFormInvalid(IReadOnlyList<FieldError> Errors)
    : CastellanError("the form is invalid: " + string.Join("; ", Errors.Select(e => $"{e.Field}: {e.Detail}")));

/// <summary>The action does not fit the application's current stage; nothing changed.</summary>
public sealed record WrongRegistrationStage(string Number, RegistrationStatus Status, string Action)
    : CastellanError($"application {Number} is {Status}; it cannot {Action} now");
