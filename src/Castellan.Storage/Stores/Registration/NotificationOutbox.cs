using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

/// <summary>The default <see cref="INotificationOutbox"/>: messages wait in a table until a sender marks them sent.</summary>
internal sealed class NotificationOutbox(IDbContextFactory<CastellanDb> factory) : INotificationOutbox
{
    public async Task EnqueueAsync(OutgoingMessage m, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Outbox.Add(new OutboxMessageRow { Id = m.Id, To = m.To, Subject = m.Subject, Body = m.Body, CreatedAt = Time.Ms(m.CreatedAt), SentAt = m.SentAt is { } s ? Time.Ms(s) : null });
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<OutgoingMessage>> ListPendingAsync(string? to, int take, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        IQueryable<OutboxMessageRow> q = db.Outbox.AsNoTracking().Where(m => m.SentAt == null);
        if (to is not null) q = q.Where(m => m.To == to);
        var rows = await q.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Take(take).ToListAsync(ct);
        return rows.Select(r => new OutgoingMessage(r.Id, r.To, r.Subject, r.Body, Time.At(r.CreatedAt), Time.At(r.SentAt))).ToList();
    }

    public async Task MarkSentAsync(string id, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var ms = Time.Ms(at);
        await db.Outbox.Where(m => m.Id == id && m.SentAt == null).ExecuteUpdateAsync(u => u.SetProperty(m => m.SentAt, ms), ct);
    }
}
