using System.Collections.Concurrent;
using System.Text.Json;
using Castellan.Storage.Entities;
using Castellan.Validation.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Castellan.Storage.Stores.Validation;

/// <remarks>Every ACME challenge adds a record: it is written through <see cref="GroupCommit"/>, so concurrent validations
/// share one commit (and its fsync) with each other and with the ACME store's writes.</remarks>
internal sealed class ValidationEvidenceStore(IDbContextFactory<CastellanDb> factory, GroupCommit writes) : IValidationEvidenceStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Every ACME newOrder asks for reusable evidence: compiled once per model (see AcmeStore), not re-parameterised
    // and looked up per call.
    private static readonly ConcurrentDictionary<IModel, Func<CastellanDb, string, string[], long, IAsyncEnumerable<ValidationRecordRow>>> Passed = new();

    private static Func<CastellanDb, string, string[], long, IAsyncEnumerable<ValidationRecordRow>> PassedQuery(CastellanDb db) =>
        Passed.GetOrAdd(db.Model, static _ => EF.CompileAsyncQuery((CastellanDb db, string accountId, string[] names, long since) => db.Set<ValidationRecordRow>().AsNoTracking()
            .Where(r => r.AccountId == accountId && r.Passed && names.Contains(r.Name) && r.CompletedAt >= since)
            .OrderByDescending(r => r.CompletedAt).Take(50)));

    public Task AddAsync(ValidationRecord r, CancellationToken ct) => writes.RunAsync(db =>
        WriterSql.InsertAsync(db, new ValidationRecordRow
        {
            Id = r.Id, AccountId = r.AccountId, IdentifierType = r.Identifier.Type.ToString(), IdentifierValue = r.Identifier.Value, Name = r.Name,
            Method = r.Method.ToString(), Passed = r.Passed, Detail = r.Detail.Length > 2000 ? r.Detail[..2000] : r.Detail,
            ObservationsJson = JsonSerializer.Serialize(r.Observations, Json), StartedAt = Time.Ms(r.StartedAt), CompletedAt = Time.Ms(r.CompletedAt),
            ReusableUntil = r.ReusableUntil is { } u ? Time.Ms(u) : null,
        }));

    public async Task<ValidationRecord?> GetAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<ValidationRecordRow>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<IReadOnlyList<ValidationRecord>> FindPassedAsync(string accountId, IReadOnlyCollection<string> names, DateTimeOffset completedSince, CancellationToken ct)
    {
        var since = Time.Ms(completedSince);
        await using var db = await factory.CreateDbContextAsync(ct);
        var found = new List<ValidationRecord>();
        await foreach (var row in PassedQuery(db)(db, accountId, names.ToArray(), since).WithCancellation(ct)) found.Add(FromRow(row));
        return found;
    }

    public async Task<IReadOnlyList<ValidationRecord>> ListAsync(string accountId, string name, int take, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Set<ValidationRecordRow>().AsNoTracking().Where(r => r.AccountId == accountId && r.Name == name)
            .OrderByDescending(r => r.CompletedAt).Take(take).ToListAsync(ct);
        return rows.Select(FromRow).ToList();
    }

    private static ValidationRecord FromRow(ValidationRecordRow r) => new(r.Id, r.AccountId,
        new Identifier(Enum.Parse<IdentifierType>(r.IdentifierType), r.IdentifierValue), r.Name, Enum.Parse<ValidationMethod>(r.Method), r.Passed, r.Detail,
        JsonSerializer.Deserialize<List<PerspectiveObservation>>(r.ObservationsJson, Json) ?? [], Time.At(r.StartedAt), Time.At(r.CompletedAt), Time.At(r.ReusableUntil));
}
