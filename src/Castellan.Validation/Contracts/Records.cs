namespace Castellan.Validation.Contracts;

/// <summary>
/// One validation attempt as kept durably, passed or failed (BR 3.2.2.4 and 5.4.1: the CA records what it relied on
/// and what it tried). <see cref="Name"/> is the name the proof was made on (a wildcard's base name);
/// <see cref="ReusableUntil"/> is null for a failure.
/// </summary>
public sealed record ValidationRecord(
    string Id,
    string? AccountId,
    Identifier Identifier,
    string Name,
    ValidationMethod Method,
    bool Passed,
    string Detail,
    IReadOnlyList<PerspectiveObservation> Observations,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    DateTimeOffset? ReusableUntil)
{
    public ValidationEvidence ToEvidence() =>
        new(Id, Identifier, Method, CompletedAt, ReusableUntil ?? CompletedAt, Observations);
}

/// <summary>Durable validation evidence, implemented by Castellan.Storage.</summary>
public interface IValidationEvidenceStore
{
    Task AddAsync(ValidationRecord record, CancellationToken ct);

    Task<ValidationRecord?> GetAsync(string id, CancellationToken ct);

    /// <summary>
    /// Passed validations of the account on any of <paramref name="names"/> completed at or after
    /// <paramref name="completedSince"/>, newest first.
    /// </summary>
    Task<IReadOnlyList<ValidationRecord>> FindPassedAsync(string accountId, IReadOnlyCollection<string> names, DateTimeOffset completedSince, CancellationToken ct);

    /// <summary>Every attempt on a name for an account, newest first (what the portal and auditors see).</summary>
    Task<IReadOnlyList<ValidationRecord>> ListAsync(string accountId, string name, int take, CancellationToken ct);
}

/// <summary>
/// A random value sent by email (BR 3.2.2.4.4/.13/.14). Only its SHA-256 is kept, so a database reader cannot complete
/// it. <see cref="UsedAt"/> is set once: a value is single use.
/// </summary>
public sealed record EmailChallenge(
    string Id,
    string? AccountId,
    Identifier Identifier,
    ValidationMethod Method,
    IReadOnlyList<string> Recipients,
    string ValueHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    int Sends,
    DateTimeOffset? UsedAt);

/// <summary>Email challenge storage, implemented by Castellan.Storage.</summary>
public interface IEmailChallengeStore
{
    Task AddAsync(EmailChallenge challenge, CancellationToken ct);

    Task<EmailChallenge?> GetAsync(string id, CancellationToken ct);

    /// <summary>Replaces the value of an unused challenge (a resend); false when it was used meanwhile.</summary>
    Task<bool> RenewAsync(string id, string valueHash, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>Marks the challenge used if it still is not; false when another request used it first.</summary>
    Task<bool> MarkUsedAsync(string id, DateTimeOffset at, CancellationToken ct);
}
