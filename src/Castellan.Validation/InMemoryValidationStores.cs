using System.Collections.Concurrent;
using Castellan.Validation.Contracts;

namespace Castellan.Validation;

/// <summary>
/// Stores used only when no durable store is registered (a host without Castellan.Storage, such as a unit test).
/// Castellan.Storage registers the EF stores, which replace these.
/// </summary>
internal sealed class InMemoryValidationStores : IValidationEvidenceStore, IEmailChallengeStore
{
    private readonly ConcurrentDictionary<string, ValidationRecord> _records = new();
    private readonly ConcurrentDictionary<string, EmailChallenge> _challenges = new();

    public Task AddAsync(ValidationRecord record, CancellationToken ct) { _records[record.Id] = record; return Task.CompletedTask; }

    public Task<ValidationRecord?> GetAsync(string id, CancellationToken ct) => Task.FromResult(_records.GetValueOrDefault(id));

    public Task<IReadOnlyList<ValidationRecord>> FindPassedAsync(string accountId, IReadOnlyCollection<string> names, DateTimeOffset completedSince, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ValidationRecord>>(_records.Values.Where(r => r.Passed && r.AccountId == accountId && names.Contains(r.Name) && r.CompletedAt >= completedSince)
            .OrderByDescending(r => r.CompletedAt).ToList());

    public Task<IReadOnlyList<ValidationRecord>> ListAsync(string accountId, string name, int take, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ValidationRecord>>(_records.Values.Where(r => r.AccountId == accountId && r.Name == name).OrderByDescending(r => r.CompletedAt).Take(take).ToList());

    public Task AddAsync(EmailChallenge challenge, CancellationToken ct) { _challenges[challenge.Id] = challenge; return Task.CompletedTask; }

    Task<EmailChallenge?> IEmailChallengeStore.GetAsync(string id, CancellationToken ct) => Task.FromResult(_challenges.GetValueOrDefault(id));

    public Task<bool> RenewAsync(string id, string valueHash, DateTimeOffset expiresAt, CancellationToken ct)
    {
        lock (_challenges)
        {
            if (!_challenges.TryGetValue(id, out var c) || c.UsedAt is not null) return Task.FromResult(false);
            _challenges[id] = c with { ValueHash = valueHash, ExpiresAt = expiresAt, Sends = c.Sends + 1 };
            return Task.FromResult(true);
        }
    }

    public Task<bool> MarkUsedAsync(string id, DateTimeOffset at, CancellationToken ct)
    {
        lock (_challenges)
        {
            if (!_challenges.TryGetValue(id, out var c) || c.UsedAt is not null) return Task.FromResult(false);
            _challenges[id] = c with { UsedAt = at };
            return Task.FromResult(true);
        }
    }
}
