using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

internal sealed class OrderDocumentStore(IDbContextFactory<CastellanDb> factory) : IOrderDocumentStore
{
    public async Task AddAsync(OrderDocument d, byte[] content, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        // One SaveChanges: metadata and bytes commit together or not at all.
        db.Set<OrderDocumentRow>().Add(new OrderDocumentRow
        {
            Id = d.Id, OrderId = d.OrderId, AccountId = d.AccountId, FileName = d.FileName, ContentType = d.ContentType, Size = d.Size, Sha256 = d.Sha256,
            UploadedBy = d.UploadedBy, UploadedAt = Time.Ms(d.UploadedAt),
        });
        db.Set<OrderDocumentContentRow>().Add(new OrderDocumentContentRow { DocumentId = d.Id, Content = content });
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<OrderDocument>> ListAsync(string orderId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return (await db.Set<OrderDocumentRow>().AsNoTracking().Where(x => x.OrderId == orderId).OrderBy(x => x.UploadedAt).ThenBy(x => x.Id).ToListAsync(ct))
            .Select(From).ToList();
    }

    public async Task<(OrderDocument Document, byte[] Content)?> GetAsync(string orderId, string documentId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var row = await db.Set<OrderDocumentRow>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == documentId && x.OrderId == orderId, ct);
        if (row is null) return null;
        var content = await db.Set<OrderDocumentContentRow>().AsNoTracking().Where(x => x.DocumentId == documentId).Select(x => x.Content).FirstAsync(ct);
        return (From(row), content);
    }

    private static OrderDocument From(OrderDocumentRow r) =>
        new(r.Id, r.OrderId, r.AccountId, r.FileName, r.ContentType, r.Size, r.Sha256, r.UploadedBy, Time.At(r.UploadedAt));
}

internal sealed class DownloadDelegationStore(IDbContextFactory<CastellanDb> factory) : IDownloadDelegationStore
{
    public async Task SaveAsync(DownloadDelegate d, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var updated = await db.Set<DownloadDelegationRow>().Where(x => x.OrderId == d.OrderId).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Name, d.Name).SetProperty(x => x.Email, d.Email).SetProperty(x => x.PinHash, d.PinHash)
            .SetProperty(x => x.FailedAttempts, 0).SetProperty(x => x.CreatedBy, d.CreatedBy)
            .SetProperty(x => x.CreatedAt, Time.Ms(d.CreatedAt)).SetProperty(x => x.ExpiresAt, Time.Ms(d.ExpiresAt)), ct);
        if (updated == 1) return;
        db.Set<DownloadDelegationRow>().Add(new DownloadDelegationRow
        {
            OrderId = d.OrderId, Name = d.Name, Email = d.Email, PinHash = d.PinHash, FailedAttempts = 0, CreatedBy = d.CreatedBy,
            CreatedAt = Time.Ms(d.CreatedAt), ExpiresAt = Time.Ms(d.ExpiresAt),
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            await SaveAsync(d, ct);
        }
    }

    public async Task<DownloadDelegate?> GetAsync(string orderId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var r = await db.Set<DownloadDelegationRow>().AsNoTracking().FirstOrDefaultAsync(x => x.OrderId == orderId, ct);
        return r is null ? null : new DownloadDelegate(r.OrderId, r.Name, r.Email, r.PinHash, r.FailedAttempts, r.CreatedBy, Time.At(r.CreatedAt), Time.At(r.ExpiresAt));
    }

    public async Task<bool> TryClaimAttemptAsync(string orderId, int max, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<DownloadDelegationRow>().Where(x => x.OrderId == orderId && x.FailedAttempts < max)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.FailedAttempts, x => x.FailedAttempts + 1), ct) == 1;
    }

    public async Task ReleaseAttemptAsync(string orderId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Set<DownloadDelegationRow>().Where(x => x.OrderId == orderId && x.FailedAttempts > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.FailedAttempts, x => x.FailedAttempts - 1), ct);
    }
}
