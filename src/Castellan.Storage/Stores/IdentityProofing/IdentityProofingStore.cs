using System.Text.Json;
using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.IdentityProofing;

internal sealed class IdentityProofingStore(IDbContextFactory<CastellanDb> factory) : IIdentityProofingStore
{
    public async Task AddAsync(IdentityApplication a, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = new IdentityApplicationRow();
        Copy(a, row);
        db.Set<IdentityApplicationRow>().Add(row);
        await db.SaveChangesAsync(ct);
    }

    public async Task<IdentityApplication?> GetAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<IdentityApplicationRow>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return row is null ? null : FromRow(row);
    }

    public async Task<IReadOnlyList<IdentityApplication>> ListAsync(IdentityApplicationQuery q, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Set<IdentityApplicationRow>().AsNoTracking().Where(x => x.AccountId == q.AccountId);
        if (q.Status is { } s) { var code = s.ToString(); query = query.Where(x => x.Status == code); }
        if (q.ApplicantUserId is { } u) query = query.Where(x => x.ApplicantUserId == u);
        var rows = await query.OrderBy(x => x.CreatedAt).ThenBy(x => x.Id).Skip(q.Skip).Take(q.Take).ToListAsync(ct);
        return rows.Select(FromRow).ToList();
    }

    public async Task<bool> TransitionAsync(IdentityApplication a, ProofingStatus from, IReadOnlyList<(IdentityDocument Document, byte[] Content)> documents, CancellationToken ct)
    {
        var r = new IdentityApplicationRow();
        Copy(a, r);
        var expected = from.ToString();
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var moved = await db.Set<IdentityApplicationRow>().Where(x => x.Id == a.Id && x.Status == expected).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Status, r.Status).SetProperty(x => x.UpdatedAt, r.UpdatedAt).SetProperty(x => x.Outcome, r.Outcome)
            .SetProperty(x => x.VerifiedName, r.VerifiedName).SetProperty(x => x.EvidenceJson, r.EvidenceJson).SetProperty(x => x.CriteriaJson, r.CriteriaJson)
            .SetProperty(x => x.Reason, r.Reason).SetProperty(x => x.DecidedBy, r.DecidedBy).SetProperty(x => x.DecidedAt, r.DecidedAt)
            .SetProperty(x => x.CertificateSerial, r.CertificateSerial), ct) == 1;
        if (!moved) return false;
        foreach (var (d, content) in documents)
        {
            db.Set<IdentityDocumentRow>().Add(new IdentityDocumentRow
            {
                Id = d.Id, ApplicationId = d.ApplicationId, AccountId = d.AccountId, Kind = d.Kind, FileName = d.FileName, ContentType = d.ContentType,
                Size = d.Size, Sha256 = d.Sha256, UploadedAt = Time.Ms(d.UploadedAt), Content = content,
            });
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<IdentityDocument>> ListDocumentsAsync(string applicationId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rows = await db.Set<IdentityDocumentRow>().AsNoTracking().Where(x => x.ApplicationId == applicationId)
            .Select(x => new { x.Id, x.ApplicationId, x.AccountId, x.Kind, x.FileName, x.ContentType, x.Size, x.Sha256, x.UploadedAt }).ToListAsync(ct);
        return rows.OrderBy(x => x.UploadedAt).ThenBy(x => x.Kind)
            .Select(x => new IdentityDocument(x.Id, x.ApplicationId, x.AccountId, x.Kind, x.FileName, x.ContentType, x.Size, x.Sha256, Time.At(x.UploadedAt))).ToList();
    }

    public async Task<(IdentityDocument Document, byte[] Content)?> GetDocumentAsync(string applicationId, string documentId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var x = await db.Set<IdentityDocumentRow>().AsNoTracking().FirstOrDefaultAsync(d => d.ApplicationId == applicationId && d.Id == documentId, ct);
        if (x is null) return null;
        return (new IdentityDocument(x.Id, x.ApplicationId, x.AccountId, x.Kind, x.FileName, x.ContentType, x.Size, x.Sha256, Time.At(x.UploadedAt)), x.Content);
    }

    private static void Copy(IdentityApplication a, IdentityApplicationRow r)
    {
        r.Id = a.Id; r.AccountId = a.AccountId; r.PolicyId = a.PolicyId; r.ApplicantUserId = a.ApplicantUserId; r.Name = a.Name; r.Email = a.Email; r.Csr = a.Csr;
        r.Status = a.Status.ToString(); r.Authentication = a.Authentication.ToString(); r.EmailConfirmed = a.EmailConfirmed; r.Verifier = a.Verifier;
        r.Outcome = a.Outcome.ToString(); r.VerifiedName = a.VerifiedName; r.EvidenceJson = a.EvidenceJson;
        r.CriteriaJson = JsonSerializer.Serialize(a.Criteria.Select(c => new CriterionRow(c.Code, c.Passed, c.Detail)));
        r.Reason = a.Reason is { Length: > 2000 } longer ? longer[..2000] : a.Reason; r.DecidedBy = a.DecidedBy;
        r.DecidedAt = a.DecidedAt is { } d ? Time.Ms(d) : null; r.CertificateSerial = a.CertificateSerial; r.CreatedBy = a.CreatedBy;
        r.CreatedAt = Time.Ms(a.CreatedAt); r.UpdatedAt = Time.Ms(a.UpdatedAt);
    }

    private static IdentityApplication FromRow(IdentityApplicationRow r) => new(r.Id, r.AccountId, r.PolicyId, r.Name, r.Email, r.Csr,
        Enum.Parse<ProofingStatus>(r.Status), Enum.Parse<ApplicantAuthentication>(r.Authentication), r.EmailConfirmed, r.CreatedBy, Time.At(r.CreatedAt), Time.At(r.UpdatedAt))
    {
        ApplicantUserId = r.ApplicantUserId, Verifier = r.Verifier, Outcome = Enum.Parse<VerificationOutcome>(r.Outcome), VerifiedName = r.VerifiedName,
        EvidenceJson = r.EvidenceJson, Reason = r.Reason, DecidedBy = r.DecidedBy, DecidedAt = Time.At(r.DecidedAt), CertificateSerial = r.CertificateSerial,
        Criteria = (JsonSerializer.Deserialize<List<CriterionRow>>(r.CriteriaJson) ?? []).Select(c => new CriterionResult(c.Code, c.Passed, c.Detail)).ToList(),
    };

    private sealed record CriterionRow(string Code, bool Passed, string Detail);
}
