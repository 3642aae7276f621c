namespace Castellan.Registration.Contracts;

/// <summary>
/// A reporting tag an account administrator defines (seed 003 "Reporting Tags") so orders can be categorised and
/// filtered by a known list of names, e.g. "Finance", "HR", "IT". Orders carry <see cref="ReportingTag"/> name/value
/// pairs; this is the account's list of names.
/// </summary>
public sealed record ReportingTagDefinition(string Id, string AccountId, string Name, string Description, DateTimeOffset CreatedAt);

public interface IReportingTagStore
{
    /// <summary>False when the account already has a tag of that name, compared case-insensitively.</summary>
    Task<bool> AddAsync(ReportingTagDefinition tag, CancellationToken ct);

    Task<IReadOnlyList<ReportingTagDefinition>> ListAsync(string accountId, CancellationToken ct);

    Task<bool> DeleteAsync(string accountId, string id, CancellationToken ct);
}
