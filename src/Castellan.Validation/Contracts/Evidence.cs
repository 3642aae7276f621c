namespace Castellan.Validation.Contracts;

/// <summary>What one network perspective saw: the addresses it used and the observation (or why it failed).</summary>
public sealed record PerspectiveObservation(string Perspective, bool Passed, string Observation);

/// <summary>
/// The record of a successful validation, kept as evidence (BR 3.2.2.4: the CA retains what it relied on) and reused
/// for the same account and name until <see cref="ReusableUntil"/>.
/// </summary>
public sealed record ValidationEvidence(
    string Id,
    Identifier Identifier,
    ValidationMethod Method,
    DateTimeOffset ValidatedAt,
    DateTimeOffset ReusableUntil,
    IReadOnlyList<PerspectiveObservation> Observations);

/// <summary>The outcome of a CAA check (RFC 8659) for one name: which record set decided, or that none exists.</summary>
public sealed record CaaDecision(Identifier Identifier, bool Permitted, string? RelevantDomain, IReadOnlyList<string> Records);
