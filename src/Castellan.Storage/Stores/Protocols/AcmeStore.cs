using System.Text.Json;
using Castellan.Protocols.Acme.Contracts;
using Castellan.Storage.Entities;
using Castellan.Validation.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Protocols;

/// <summary>ACME storage: one statement or one transaction per call, no tracking, nothing re-read after a write.</summary>
/// <remarks>
/// The writes of an order's hot path (account, order, challenge start, outcome, finalize claim and result) go through
/// <see cref="GroupCommit"/>: each is one step of the writer's next transaction, so concurrent orders share one fsync
/// instead of queueing for SQLite's single write lock one commit each. A call still returns only after its commit.
/// </remarks>
internal sealed class AcmeStore(IDbContextFactory<CastellanDb> factory, GroupCommit writes) : IAcmeStore
{
    public Task<bool> AddAccountAsync(AcmeAccount a, CancellationToken ct) => writes.RunAsync(db => WriterSql.InsertIfAbsentAsync(db, new AcmeAccountRow
    {
        Id = a.Id, Directory = a.Directory, KeyThumbprint = a.KeyThumbprint, Jwk = a.Jwk, Status = a.Status, Contact = Json(a.Contact),
        TermsOfServiceAgreed = a.TermsOfServiceAgreed, RaAccountId = a.RaAccountId, RaGroupId = a.RaGroupId, ProductId = a.ProductId,
        EabKeyId = a.EabKeyId, CreatedAt = Time.Ms(a.CreatedAt),
    }));

    // The reads every order makes several times (account, order, authorization) are plain SQL (ReaderSql): even
    // compiled, an EF query sets up its enumerator, shaper and diagnostics on every call.
    public async Task<AcmeAccount?> GetAccountAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await ReaderSql.FirstOrDefaultAsync<AcmeAccountRow>(db, "{AcmeAccountRow.Id} = @p0", ct, id);
        return row is null ? null : FromRow(row);
    }

    public async Task<AcmeAccount?> FindAccountByKeyAsync(string thumbprint, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await ReaderSql.FirstOrDefaultAsync<AcmeAccountRow>(db, "{AcmeAccountRow.KeyThumbprint} = @p0", ct, thumbprint);
        return row is null ? null : FromRow(row);
    }

    public async Task<bool> UpdateAccountAsync(string id, IReadOnlyList<string>? contact, string? status, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var contactJson = contact is null ? null : Json(contact);
        return await db.Set<AcmeAccountRow>().Where(x => x.Id == id && x.Status == AcmeStatus.Valid).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Contact, x => contactJson ?? x.Contact)
            .SetProperty(x => x.Status, x => status ?? x.Status), ct) == 1;
    }

    public async Task<bool> ChangeKeyAsync(string id, string oldThumbprint, string newThumbprint, string newJwk, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        try
        {
            return await db.Set<AcmeAccountRow>().Where(x => x.Id == id && x.KeyThumbprint == oldThumbprint && x.Status == AcmeStatus.Valid)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.KeyThumbprint, newThumbprint).SetProperty(x => x.Jwk, newJwk), ct) == 1;
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 } or Npgsql.PostgresException { SqlState: "23505" })
        {
            return false;
        }
    }

    public Task AddOrderAsync(AcmeOrder o, IReadOnlyList<AcmeAuthorization> authorizations, CancellationToken ct) => writes.RunAsync(async db =>
    {
        // The order and its authorizations in the same (batch) transaction.
        await WriterSql.InsertAsync(db, new AcmeOrderRow
        {
            Id = o.Id, AccountId = o.AccountId, Directory = o.Directory, Status = o.Status, Expires = Time.Ms(o.Expires),
            Identifiers = Json(o.Identifiers.Select(Typed).ToList()), AuthorizationIds = Json(o.AuthorizationIds), Profile = o.Profile,
            NotBefore = o.NotBefore is { } nb ? Time.Ms(nb) : null, NotAfter = o.NotAfter is { } na ? Time.Ms(na) : null, Replaces = o.Replaces,
            CreatedAt = Time.Ms(o.CreatedAt), UpdatedAt = Time.Ms(o.CreatedAt),
        });
        foreach (var a in authorizations)
        {
            await WriterSql.InsertAsync(db, new AcmeAuthorizationRow
            {
                Id = a.Id, OrderId = a.OrderId, AccountId = a.AccountId, IdentifierType = a.Identifier.Type == IdentifierType.Ip ? "ip" : "dns",
                IdentifierValue = a.Identifier.Value, Status = a.Status, Expires = Time.Ms(a.Expires), ChallengeTypes = string.Join(' ', a.ChallengeTypes),
                Token = a.Token, ValidatedAt = a.ValidatedAt is { } v ? Time.Ms(v) : null,
                ValidatedBy = a.ValidatedBy is { } m ? ValidationMethodLabels.Of(m) : null, EvidenceId = a.EvidenceId,
            });
        }
        return true;
    });

    public async Task<AcmeOrder?> GetOrderAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await ReaderSql.FirstOrDefaultAsync<AcmeOrderRow>(db, "{AcmeOrderRow.Id} = @p0", ct, id);
        return row is null ? null : FromRow(row);
    }

    public async Task<AcmeOrder?> FindOrderByCertificateAsync(string serial, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<AcmeOrderRow>().AsNoTracking().FirstOrDefaultAsync(x => x.CertificateSerial == serial, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<IReadOnlyList<string>> ListOrderIdsAsync(string accountId, int skip, int take, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<AcmeOrderRow>().AsNoTracking().Where(x => x.AccountId == accountId)
            .OrderByDescending(x => x.CreatedAt).ThenBy(x => x.Id).Skip(skip).Take(take).Select(x => x.Id).ToListAsync(ct);
    }

    public async Task<AcmeAuthorization?> GetAuthorizationAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await ReaderSql.FirstOrDefaultAsync<AcmeAuthorizationRow>(db, "{AcmeAuthorizationRow.Id} = @p0", ct, id);
        return row is null ? null : FromRow(row);
    }

    public Task<bool> StartChallengeAsync(string authorizationId, string challenge, CancellationToken ct) => writes.RunAsync(async db =>
        await WriterSql.ExecuteAsync(db, "UPDATE {AcmeAuthorizationRow} SET {AcmeAuthorizationRow.ProcessingChallenge} = @p0 " +
            "WHERE {AcmeAuthorizationRow.Id} = @p1 AND {AcmeAuthorizationRow.Status} = @p2 AND {AcmeAuthorizationRow.ProcessingChallenge} IS NULL",
            challenge, authorizationId, AcmeStatus.Pending) == 1);

    public Task<bool> CompleteAuthorizationAsync(AuthorizationOutcome o, CancellationToken ct) => writes.RunAsync(async db =>
    {
        // Both statements are in the batch's transaction: the authorization and its order move together.
        var at = Time.Ms(o.At);
        var moved = await WriterSql.ExecuteAsync(db, "UPDATE {AcmeAuthorizationRow} SET {AcmeAuthorizationRow.Status} = @p0, " +
            "{AcmeAuthorizationRow.ProcessingChallenge} = NULL, {AcmeAuthorizationRow.AttemptedChallenge} = @p1, {AcmeAuthorizationRow.ValidatedAt} = @p2, " +
            "{AcmeAuthorizationRow.Error} = @p3, {AcmeAuthorizationRow.ValidatedBy} = @p6, {AcmeAuthorizationRow.EvidenceId} = @p7 " +
            "WHERE {AcmeAuthorizationRow.Id} = @p4 AND {AcmeAuthorizationRow.Status} = @p5",
            o.Valid ? AcmeStatus.Valid : AcmeStatus.Invalid, o.Challenge, o.Valid ? at : null, o.Error, o.AuthorizationId, AcmeStatus.Pending,
            o.Valid ? o.Challenge : null, o.EvidenceId) == 1;
        if (!moved) return false;
        if (o.Valid)
        {
            // RFC 8555 §7.1.6: the order is ready once every authorization is valid.
            await WriterSql.ExecuteAsync(db, "UPDATE {AcmeOrderRow} SET {AcmeOrderRow.Status} = @p0, {AcmeOrderRow.UpdatedAt} = @p1 " +
                "WHERE {AcmeOrderRow.Id} = @p2 AND {AcmeOrderRow.Status} = @p3 AND NOT EXISTS (SELECT 1 FROM {AcmeAuthorizationRow} " +
                "WHERE {AcmeAuthorizationRow.OrderId} = @p2 AND {AcmeAuthorizationRow.Status} <> @p4)",
                AcmeStatus.Ready, at, o.OrderId, AcmeStatus.Pending, AcmeStatus.Valid);
        }
        else
        {
            await WriterSql.ExecuteAsync(db, "UPDATE {AcmeOrderRow} SET {AcmeOrderRow.Status} = @p0, {AcmeOrderRow.Error} = @p1, {AcmeOrderRow.UpdatedAt} = @p2 " +
                "WHERE {AcmeOrderRow.Id} = @p3 AND {AcmeOrderRow.Status} = @p4",
                AcmeStatus.Invalid, o.Error, at, o.OrderId, AcmeStatus.Pending);
        }
        return true;
    });

    public async Task<bool> DeactivateAuthorizationAsync(string authorizationId, string orderId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.Set<AcmeAuthorizationRow>()
            .Where(x => x.Id == authorizationId && (x.Status == AcmeStatus.Pending || x.Status == AcmeStatus.Valid))
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, AcmeStatus.Deactivated).SetProperty(x => x.ProcessingChallenge, (string?)null), ct) == 1;
        if (changed)
        {
            await db.Set<AcmeOrderRow>().Where(x => x.Id == orderId && (x.Status == AcmeStatus.Pending || x.Status == AcmeStatus.Ready))
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, AcmeStatus.Invalid), ct);
        }
        await tx.CommitAsync(ct);
        return changed;
    }

    public Task<bool> TransitionOrderAsync(string id, string from, string to, CancellationToken ct) => writes.RunAsync(async db =>
        await WriterSql.ExecuteAsync(db, "UPDATE {AcmeOrderRow} SET {AcmeOrderRow.Status} = @p0 WHERE {AcmeOrderRow.Id} = @p1 AND {AcmeOrderRow.Status} = @p2",
            to, id, from) == 1);

    public Task FinishOrderAsync(OrderOutcome o, CancellationToken ct) => writes.RunAsync(db =>
        WriterSql.ExecuteAsync(db, "UPDATE {AcmeOrderRow} SET {AcmeOrderRow.Status} = @p0, {AcmeOrderRow.CertificateSerial} = @p1, " +
            "{AcmeOrderRow.CertificateChain} = @p2, {AcmeOrderRow.CaId} = @p3, {AcmeOrderRow.RaOrderId} = @p4, {AcmeOrderRow.Error} = @p5, " +
            "{AcmeOrderRow.UpdatedAt} = @p6 WHERE {AcmeOrderRow.Id} = @p7 AND {AcmeOrderRow.Status} = @p8",
            o.Error is null ? AcmeStatus.Valid : AcmeStatus.Invalid, o.CertificateSerial, o.CertificateChain, o.CaId, o.RaOrderId, o.Error, Time.Ms(o.At),
            o.OrderId, AcmeStatus.Processing));

    public async Task<bool> AddEabCredentialAsync(EabCredential c, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Set<AcmeEabCredentialRow>().Add(new AcmeEabCredentialRow
        {
            KeyId = c.KeyId, AccountId = c.AccountId, GroupId = c.GroupId, ProductId = c.ProductId, EncryptedKey = c.EncryptedKey,
            CreatedBy = c.CreatedBy, CreatedAt = Time.Ms(c.CreatedAt),
        });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            return false;
        }
    }

    public async Task<EabCredential?> GetEabCredentialAsync(string keyId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.Set<AcmeEabCredentialRow>().AsNoTracking().FirstOrDefaultAsync(x => x.KeyId == keyId, ct);
        return r is null ? null : Eab(r);
    }

    public async Task<IReadOnlyList<EabCredential>> ListEabCredentialsAsync(string accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Set<AcmeEabCredentialRow>().AsNoTracking().Where(x => x.AccountId == accountId).OrderByDescending(x => x.CreatedAt).ToListAsync(ct);
        return rows.Select(Eab).ToList();
    }

    public async Task<bool> RevokeEabCredentialAsync(string accountId, string keyId, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var ms = Time.Ms(at);
        return await db.Set<AcmeEabCredentialRow>().Where(x => x.KeyId == keyId && x.AccountId == accountId && x.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.RevokedAt, ms), ct) == 1;
    }

    private static EabCredential Eab(AcmeEabCredentialRow r) =>
        new(r.KeyId, r.AccountId, r.GroupId, r.ProductId, r.EncryptedKey, r.CreatedBy, Time.At(r.CreatedAt)) { RevokedAt = Time.At(r.RevokedAt) };

    public async Task AddCaReplacementAsync(string caId, DateTimeOffset at, string actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Set<AcmeCaReplacementRow>().Add(new AcmeCaReplacementRow { CaId = caId, StartedAt = Time.Ms(at), StartedBy = actor });
        await db.SaveChangesAsync(ct);
    }

    public async Task<DateTimeOffset?> FindCaReplacementAsync(string caId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var latest = await db.Set<AcmeCaReplacementRow>().AsNoTracking().Where(x => x.CaId == caId).OrderByDescending(x => x.StartedAt).Select(x => (long?)x.StartedAt).FirstOrDefaultAsync(ct);
        return Time.At(latest);
    }

    // One row per redeemed nonce, written in the group commit's next batch: a replay (here or on another node) hits
    // the primary key and fails only its own write. Plain SQL: this runs for every signed request, and EF's
    // SaveChanges with its savepoint cost several times the statement (5.7 % of the server's CPU in the bench).
    public Task<bool> UseNonceAsync(string nonce, DateTimeOffset expires, CancellationToken ct) =>
        writes.RunAsync(db => WriterSql.InsertIfAbsentAsync(db, new AcmeUsedNonceRow { Nonce = nonce, Expires = Time.Ms(expires) }));

    public Task<int> DeleteUsedNoncesAsync(DateTimeOffset now, CancellationToken ct) => writes.RunAsync(db =>
        WriterSql.ExecuteAsync(db, "DELETE FROM {AcmeUsedNonceRow} WHERE {AcmeUsedNonceRow.Expires} < @p0", Time.Ms(now)));

    public Task<(int Orders, int Authorizations)> ExpireAsync(DateTimeOffset now, CancellationToken ct) => writes.RunAsync(async db =>
    {
        var at = Time.Ms(now);
        var orders = await WriterSql.ExecuteAsync(db, "UPDATE {AcmeOrderRow} SET {AcmeOrderRow.Status} = @p0, {AcmeOrderRow.UpdatedAt} = @p1 " +
            "WHERE {AcmeOrderRow.Status} IN (@p2, @p3) AND {AcmeOrderRow.Expires} < @p1", AcmeStatus.Invalid, at, AcmeStatus.Pending, AcmeStatus.Ready);
        var authorizations = await WriterSql.ExecuteAsync(db, "UPDATE {AcmeAuthorizationRow} SET {AcmeAuthorizationRow.Status} = @p0 " +
            "WHERE {AcmeAuthorizationRow.Status} = @p1 AND {AcmeAuthorizationRow.Expires} < @p2", "expired", AcmeStatus.Pending, at);
        return (orders, authorizations);
    });

    public async Task<byte[]> GetOrAddSecretAsync(string name, byte[] candidate, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        // Read first: every node but the first finds the key, without a failed INSERT logged at each start.
        if (await db.Set<AcmeSecretRow>().AsNoTracking().FirstOrDefaultAsync(x => x.Name == name, ct) is { } existing) return existing.Value;
        db.Set<AcmeSecretRow>().Add(new AcmeSecretRow { Name = name, Value = candidate });
        try
        {
            await db.SaveChangesAsync(ct);
            return candidate;
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            // Another node stored one first: every node must use that one.
            db.ChangeTracker.Clear();
            return (await db.Set<AcmeSecretRow>().AsNoTracking().FirstAsync(x => x.Name == name, ct)).Value;
        }
    }

    private static string Typed(Identifier i) => (i.Type == IdentifierType.Ip ? "ip:" : "dns:") + i.Value;

    private static Identifier Untyped(string s) => s.StartsWith("ip:", StringComparison.Ordinal) ? new(IdentifierType.Ip, s[3..]) : new(IdentifierType.Dns, s[4..]);

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);

    private static AcmeAccount FromRow(AcmeAccountRow r) =>
        new(r.Id, r.Directory, r.KeyThumbprint, r.Jwk, r.Status, JsonSerializer.Deserialize<List<string>>(r.Contact) ?? [], r.TermsOfServiceAgreed, Time.At(r.CreatedAt))
        {
            RaAccountId = r.RaAccountId, RaGroupId = r.RaGroupId, ProductId = r.ProductId, EabKeyId = r.EabKeyId,
        };

    private static AcmeOrder FromRow(AcmeOrderRow r) =>
        new(r.Id, r.AccountId, r.Directory, r.Status, Time.At(r.Expires), (JsonSerializer.Deserialize<List<string>>(r.Identifiers) ?? []).Select(Untyped).ToList(),
            JsonSerializer.Deserialize<List<string>>(r.AuthorizationIds) ?? [], r.Profile, Time.At(r.CreatedAt))
        {
            NotBefore = Time.At(r.NotBefore), NotAfter = Time.At(r.NotAfter), Error = r.Error, Replaces = r.Replaces, CertificateSerial = r.CertificateSerial,
            CertificateChain = r.CertificateChain, CaId = r.CaId, RaOrderId = r.RaOrderId,
        };

    private static AcmeAuthorization FromRow(AcmeAuthorizationRow r) =>
        new(r.Id, r.OrderId, r.AccountId, new Identifier(r.IdentifierType == "ip" ? IdentifierType.Ip : IdentifierType.Dns, r.IdentifierValue), r.Status,
            Time.At(r.Expires), r.ChallengeTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries), r.Token)
        {
            ProcessingChallenge = r.ProcessingChallenge, AttemptedChallenge = r.AttemptedChallenge, ValidatedAt = Time.At(r.ValidatedAt), Error = r.Error,
            ValidatedBy = ValidationMethodLabels.Parse(r.ValidatedBy), EvidenceId = r.EvidenceId,
        };
}
