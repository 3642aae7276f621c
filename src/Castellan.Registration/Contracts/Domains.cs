using Castellan.Validation.Contracts;

namespace Castellan.Registration.Contracts;

/// <summary>Seed 003 "Domains": the DCV status shown for a domain. Expired is Verified past <see cref="Domain.ExpiresAt"/>.</summary>
public enum DomainStatus { Pending, Verified, Expired, Rejected }

/// <summary>
/// A domain an account pre-validates (seed 003 "Adding a New Domain"), so orders for it and its subdomains (for
/// methods that cover subdomains) need no new DCV until <see cref="ExpiresAt"/>. <see cref="RandomValue"/> is what
/// the applicant publishes for the file and DNS methods (single use: cleared once verified); email methods keep their
/// value inside the validation authority and only <see cref="EmailChallengeId"/> here.
/// </summary>
public sealed record Domain(
    string Id,
    string AccountId,
    string Name,
    ValidationMethod Method,
    DomainStatus Status,
    string? Token,
    string? RandomValue,
    string? EmailChallengeId,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public DateTimeOffset? VerifiedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public string? EvidenceId { get; init; }
    public string? StatusReason { get; init; }

    /// <summary>The status as of <paramref name="now"/>: a verification past its expiry reads as Expired.</summary>
    public DomainStatus StatusAt(DateTimeOffset now) => Status == DomainStatus.Verified && ExpiresAt is { } e && e <= now ? DomainStatus.Expired : Status;
}

/// <summary>A name an account's administrator does not allow in orders (seed 003); it covers its subdomains too.</summary>
public sealed record RestrictedDomain(string AccountId, string Name, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>Domain and restricted-domain storage, implemented by Castellan.Storage.</summary>
public interface IDomainStore
{
    /// <summary>False when the account already has this name.</summary>
    Task<bool> AddAsync(Domain domain, CancellationToken ct);

    Task<Domain?> GetAsync(string id, CancellationToken ct);

    Task<IReadOnlyList<Domain>> ListAsync(string accountId, CancellationToken ct);

    /// <summary>Writes every mutable field if the row is still at <paramref name="expectedUpdatedAt"/>; false when it changed meanwhile.</summary>
    Task<bool> UpdateAsync(Domain domain, DateTimeOffset expectedUpdatedAt, CancellationToken ct);

    Task<bool> DeleteAsync(string id, CancellationToken ct);

    /// <summary>False when the account already restricts this name.</summary>
    Task<bool> AddRestrictionAsync(RestrictedDomain restriction, CancellationToken ct);

    Task<bool> RemoveRestrictionAsync(string accountId, string name, CancellationToken ct);

    Task<IReadOnlyList<RestrictedDomain>> ListRestrictionsAsync(string accountId, CancellationToken ct);
}

/// <summary>Seed 003: an order names a domain the account's administrator restricted.</summary>
public sealed record DomainRestricted(IReadOnlyList<string> Names) : CastellanError(Message)
{
    public const string Message = "One or more domain names provided in this order are not allowed due to specific domain restrictions. Please contact your account administrator.";
}
