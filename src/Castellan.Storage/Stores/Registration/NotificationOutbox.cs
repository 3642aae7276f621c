using Castellan.Registration.Contracts;
using Castellan.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace Castellan.Storage.Stores.Registration;

/// <summary>The default <see cref="INotificationOutbox"/>: messages wait in a table until a sender marks them sent.</summary>
internal sealed class NotificationOutbox(IDbContextFactory<CastellanDb> factory) : INotificationOutbox, IOutboxDelivery
{
    public async Task EnqueueAsync(OutgoingMessage m, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Outbox.Add(new OutboxMessageRow { Id = m.Id, To = m.To, Subject = m.Subject, Body = m.Body, CreatedAt = Time.Ms(m.CreatedAt), SentAt = m.SentAt is { } s ? Time.Ms(s) : null, HtmlBody = m.HtmlBody });
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<OutgoingMessage>> ListPendingAsync(string? to, int take, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        IQueryable<OutboxMessageRow> q = db.Outbox.AsNoTracking().Where(m => m.SentAt == null);
        if (to is not null) q = q.Where(m => m.To == to);
        var rows = await q.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Take(take).ToListAsync(ct);
        return rows.Select(From).ToList();
    }

    public async Task MarkSentAsync(string id, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var ms = Time.Ms(at);
        await db.Outbox.Where(m => m.Id == id && m.SentAt == null).ExecuteUpdateAsync(u => u.SetProperty(m => m.SentAt, ms), ct);
    }

    public async Task<IReadOnlyList<OutgoingMessage>> ClaimAsync(string claimer, DateTimeOffset now, DateTimeOffset leaseUntil, int take, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var (nowMs, leaseMs) = (Time.Ms(now), Time.Ms(leaseUntil));
        var due = await db.Outbox.AsNoTracking()
            .Where(m => m.SentAt == null && m.NextAttemptAt <= nowMs && (m.ClaimedUntil == null || m.ClaimedUntil < nowMs))
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.CreatedAt).Select(m => m.Id).Take(take).ToListAsync(ct);
        var claimed = new List<OutgoingMessage>(due.Count);
        foreach (var id in due)
        {
            // The conditional UPDATE is the claim: a node that lost the race to another sees no row change and skips it.
            var won = await db.Outbox.Where(m => m.Id == id && m.SentAt == null && (m.ClaimedUntil == null || m.ClaimedUntil < nowMs))
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.ClaimedBy, claimer).SetProperty(m => m.ClaimedUntil, leaseMs), ct) == 1;
            if (!won) continue;
            var row = await db.Outbox.AsNoTracking().FirstAsync(m => m.Id == id, ct);
            claimed.Add(From(row));
        }
        return claimed;
    }

    public async Task MarkDeliveredAsync(string id, string claimer, DateTimeOffset at, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var ms = Time.Ms(at);
        await db.Outbox.Where(m => m.Id == id && m.SentAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.SentAt, ms).SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.ClaimedUntil, (long?)null), ct);
    }

    public async Task RetryLaterAsync(string id, string claimer, DateTimeOffset nextAttempt, string error, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var ms = Time.Ms(nextAttempt);
        var fault = error.Length > 200 ? error[..200] : error;
        await db.Outbox.Where(m => m.Id == id && m.SentAt == null && m.ClaimedBy == claimer)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.NextAttemptAt, ms)
                .SetProperty(m => m.LastError, fault).SetProperty(m => m.ClaimedBy, (string?)null).SetProperty(m => m.ClaimedUntil, (long?)null), ct);
    }

    private static OutgoingMessage From(OutboxMessageRow r) =>
        new(r.Id, r.To, r.Subject, r.Body, Time.At(r.CreatedAt), Time.At(r.SentAt)) { HtmlBody = r.HtmlBody, Attempts = r.Attempts };
}
