using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class RegistrationNumberStore(IDbContextFactory<CastellanDb> factory) : IRegistrationNumberStore
{
    public async Task AddServiceAsync(RegistrationService s, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Set<RegistrationServiceRow>().Add(new RegistrationServiceRow
        {
            Id = s.Id, AccountId = s.AccountId, Name = s.Name, ProductId = s.ProductId, Checklist = string.Join('\n', s.Checklist), Fee = s.Fee,
            Currency = s.Currency, Enabled = s.Enabled, CreatedBy = s.CreatedBy, CreatedAt = Time.Ms(s.CreatedAt),
        });
        await db.SaveChangesAsync(ct);
    }

    public async Task<RegistrationService?> GetServiceAsync(string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<RegistrationServiceRow>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return row is null ? null : From(row);
    }

    public async Task<bool> UpdateServiceAsync(RegistrationService s, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var checklist = string.Join('\n', s.Checklist);
        return await db.Set<RegistrationServiceRow>().Where(x => x.Id == s.Id && x.AccountId == s.AccountId).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Name, s.Name).SetProperty(x => x.ProductId, s.ProductId).SetProperty(x => x.Checklist, checklist)
            .SetProperty(x => x.Fee, s.Fee).SetProperty(x => x.Currency, s.Currency).SetProperty(x => x.Enabled, s.Enabled), ct) == 1;
    }

    public async Task<IReadOnlyList<RegistrationService>> ListServicesAsync(string? accountId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Set<RegistrationServiceRow>().AsNoTracking();
        query = accountId is null ? query.Where(x => x.Enabled) : query.Where(x => x.AccountId == accountId);
        return (await query.OrderBy(x => x.Name).ThenBy(x => x.Id).ToListAsync(ct)).Select(From).ToList();
    }

    public async Task<bool> AddApplicationAsync(RegistrationApplication a, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = new RegistrationApplicationRow();
        Copy(a, row);
        db.Set<RegistrationApplicationRow>().Add(row);
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

    public Task<RegistrationApplication?> GetApplicationAsync(string id, CancellationToken ct) => FindAsync(x => x.Id == id, ct);

    public Task<RegistrationApplication?> FindByNumberAsync(string number, CancellationToken ct) => FindAsync(x => x.Number == number, ct);

    public async Task<(IReadOnlyList<RegistrationApplication> Items, int Total)> ListApplicationsAsync(RegistrationQuery q, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Set<RegistrationApplicationRow>().AsNoTracking().Where(x => x.AccountId == q.AccountId);
        if (q.Status is { } s) { var code = s.ToString(); query = query.Where(x => x.Status == code); }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(x => x.CreatedAt).ThenBy(x => x.Id).Skip(q.Skip).Take(q.Take).ToListAsync(ct);
        return (rows.Select(From).ToList(), total);
    }

    public async Task<bool> TransitionAsync(RegistrationApplication a, RegistrationStatus from, string expectedCodeHash, CancellationToken ct)
    {
        var r = new RegistrationApplicationRow();
        Copy(a, r);
        var expected = from.ToString();
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<RegistrationApplicationRow>().Where(x => x.Id == a.Id && x.Status == expected && x.AccessCodeHash == expectedCodeHash).ExecuteUpdateAsync(u => u
            .SetProperty(x => x.Status, r.Status).SetProperty(x => x.UpdatedAt, r.UpdatedAt).SetProperty(x => x.AccessCodeHash, r.AccessCodeHash)
            .SetProperty(x => x.AccessCodeChangedAt, r.AccessCodeChangedAt).SetProperty(x => x.Reason, r.Reason)
            .SetProperty(x => x.DocumentsDecidedBy, r.DocumentsDecidedBy).SetProperty(x => x.DocumentsDecidedAt, r.DocumentsDecidedAt)
            .SetProperty(x => x.Csr, r.Csr).SetProperty(x => x.SubmittedAt, r.SubmittedAt)
            .SetProperty(x => x.PaymentAmount, r.PaymentAmount).SetProperty(x => x.PaymentCurrency, r.PaymentCurrency).SetProperty(x => x.PaymentReference, r.PaymentReference)
            .SetProperty(x => x.PaymentRecordedBy, r.PaymentRecordedBy).SetProperty(x => x.PaymentRecordedAt, r.PaymentRecordedAt)
            .SetProperty(x => x.VerifiedBy, r.VerifiedBy).SetProperty(x => x.VerifiedAt, r.VerifiedAt)
            .SetProperty(x => x.CertificateSerial, r.CertificateSerial).SetProperty(x => x.IssuedAt, r.IssuedAt), ct) == 1;
    }

    public async Task RecordSignInAsync(string id, int failedSignIns, DateTimeOffset? lockedUntil, CancellationToken ct)
    {
        long? until = lockedUntil is { } l ? Time.Ms(l) : null;
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Set<RegistrationApplicationRow>().Where(x => x.Id == id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.FailedSignIns, failedSignIns).SetProperty(x => x.LockedUntil, until), ct);
    }

    public async Task AddDocumentAsync(RegistrationDocument d, byte[] content, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        // One SaveChanges: metadata and bytes commit together or not at all.
        db.Set<RegistrationDocumentRow>().Add(new RegistrationDocumentRow
        {
            Id = d.Id, ApplicationId = d.ApplicationId, AccountId = d.AccountId, FileName = d.FileName, ContentType = d.ContentType, Size = d.Size,
            Sha256 = d.Sha256, UploadedAt = Time.Ms(d.UploadedAt),
        });
        db.Set<RegistrationDocumentContentRow>().Add(new RegistrationDocumentContentRow { DocumentId = d.Id, Content = content });
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<RegistrationDocument>> ListDocumentsAsync(string applicationId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return (await db.Set<RegistrationDocumentRow>().AsNoTracking().Where(x => x.ApplicationId == applicationId).OrderBy(x => x.UploadedAt).ThenBy(x => x.Id)
            .ToListAsync(ct)).Select(From).ToList();
    }

    public async Task<(RegistrationDocument Document, byte[] Content)?> GetDocumentAsync(string applicationId, string documentId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<RegistrationDocumentRow>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == documentId && x.ApplicationId == applicationId, ct);
        if (row is null) return null;
        var content = await db.Set<RegistrationDocumentContentRow>().AsNoTracking().Where(x => x.DocumentId == documentId).Select(x => x.Content).FirstAsync(ct);
        return (From(row), content);
    }

    private async Task<RegistrationApplication?> FindAsync(System.Linq.Expressions.Expression<Func<RegistrationApplicationRow, bool>> where, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<RegistrationApplicationRow>().AsNoTracking().FirstOrDefaultAsync(where, ct);
        return row is null ? null : From(row);
    }

    private static RegistrationService From(RegistrationServiceRow r) => new(r.Id, r.AccountId, r.Name, r.ProductId,
        r.Checklist.Split('\n', StringSplitOptions.RemoveEmptyEntries), r.Fee, r.Currency, r.Enabled, r.CreatedBy, Time.At(r.CreatedAt));

    private static RegistrationDocument From(RegistrationDocumentRow r) =>
        new(r.Id, r.ApplicationId, r.AccountId, r.FileName, r.ContentType, r.Size, r.Sha256, Time.At(r.UploadedAt));

    private static long? Ms(DateTimeOffset? t) => t is { } v ? Time.Ms(v) : null;

    private static void Copy(RegistrationApplication a, RegistrationApplicationRow r)
    {
        r.Id = a.Id; r.Number = a.Number; r.AccountId = a.AccountId; r.ServiceId = a.ServiceId; r.FullName = a.FullName; r.Email = a.Email;
        r.Status = a.Status.ToString(); r.AccessCodeHash = a.AccessCodeHash; r.CreatedAt = Time.Ms(a.CreatedAt); r.UpdatedAt = Time.Ms(a.UpdatedAt);
        r.FailedSignIns = a.FailedSignIns; r.LockedUntil = Ms(a.LockedUntil); r.AccessCodeChangedAt = Ms(a.AccessCodeChangedAt);
        r.Reason = a.Reason is { Length: > 2000 } longer ? longer[..2000] : a.Reason; r.DocumentsDecidedBy = a.DocumentsDecidedBy; r.DocumentsDecidedAt = Ms(a.DocumentsDecidedAt);
        r.Csr = a.Csr; r.SubmittedAt = Ms(a.SubmittedAt); r.PaymentAmount = a.PaymentAmount; r.PaymentCurrency = a.PaymentCurrency; r.PaymentReference = a.PaymentReference;
        r.PaymentRecordedBy = a.PaymentRecordedBy; r.PaymentRecordedAt = Ms(a.PaymentRecordedAt); r.VerifiedBy = a.VerifiedBy; r.VerifiedAt = Ms(a.VerifiedAt);
        r.CertificateSerial = a.CertificateSerial; r.IssuedAt = Ms(a.IssuedAt);
    }

    private static RegistrationApplication From(RegistrationApplicationRow r) => new(r.Id, r.Number, r.AccountId, r.ServiceId, r.FullName, r.Email,
        Enum.Parse<RegistrationStatus>(r.Status), r.AccessCodeHash, Time.At(r.CreatedAt), Time.At(r.UpdatedAt))
    {
        FailedSignIns = r.FailedSignIns, LockedUntil = Time.At(r.LockedUntil), AccessCodeChangedAt = Time.At(r.AccessCodeChangedAt), Reason = r.Reason,
        DocumentsDecidedBy = r.DocumentsDecidedBy, DocumentsDecidedAt = Time.At(r.DocumentsDecidedAt), Csr = r.Csr, SubmittedAt = Time.At(r.SubmittedAt),
        PaymentAmount = r.PaymentAmount, PaymentCurrency = r.PaymentCurrency, PaymentReference = r.PaymentReference, PaymentRecordedBy = r.PaymentRecordedBy,
        PaymentRecordedAt = Time.At(r.PaymentRecordedAt), VerifiedBy = r.VerifiedBy, VerifiedAt = Time.At(r.VerifiedAt), CertificateSerial = r.CertificateSerial,
        IssuedAt = Time.At(r.IssuedAt),
    };
}
