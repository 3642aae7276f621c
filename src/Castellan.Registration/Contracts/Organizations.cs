namespace Castellan.Registration.Contracts;

/// <summary>Seed 003 "Organizations": an organisation is Pending until an RA officer verifies or rejects it.</summary>
public enum OrganizationStatus { Pending, Verified, Rejected }

/// <summary>
/// A legal entity an account orders OV/EV certificates for (seed 003 "Adding a New Organization": name, address and
/// legal information). Only a <see cref="OrganizationStatus.Verified"/> organisation may appear in a certificate subject.
/// </summary>
public sealed record Organization(
    string Id,
    string AccountId,
    string LegalName,
    string Country,
    string? State,
    string? Locality,
    string? Address,
    string? Phone,
    string? RegistrationNumber,
    OrganizationStatus Status,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public string? StatusReason { get; init; }
    public string? DecidedBy { get; init; }
}

/// <summary>Organisation storage, implemented by Castellan.Storage.</summary>
public interface IOrganizationStore
{
    Task AddAsync(Organization organization, CancellationToken ct);

    Task<Organization?> GetAsync(string id, CancellationToken ct);

    Task<IReadOnlyList<Organization>> ListAsync(string accountId, CancellationToken ct);

    /// <summary>Records a decision if the organisation is still <paramref name="from"/>; false when it changed meanwhile.</summary>
    Task<bool> DecideAsync(string id, OrganizationStatus from, OrganizationStatus to, string? reason, string decidedBy, DateTimeOffset at, CancellationToken ct);
}
