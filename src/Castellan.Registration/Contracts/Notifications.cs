namespace Castellan.Registration.Contracts;

/// <summary>An email waiting to be sent. The body may hold a single-use link, so it is as sensitive as that link.</summary>
public sealed record OutgoingMessage(string Id, string To, string Subject, string Body, DateTimeOffset CreatedAt, DateTimeOffset? SentAt = null)
{
    /// <summary>The HTML alternative of <see cref="Body"/>, when the template has one.</summary>
    public string? HtmlBody { get; init; }

    /// <summary>Failed delivery attempts so far.</summary>
    public int Attempts { get; init; }
}

/// <summary>
/// Where the RA puts messages for people (activation links, notices). The default implementation stores them in a
/// table (transactional outbox); an SMTP sender reads <see cref="ListPendingAsync"/> and marks them sent.
/// </summary>
public interface INotificationOutbox
{
    Task EnqueueAsync(OutgoingMessage message, CancellationToken ct);

    /// <summary>Unsent messages, oldest first; optionally only those to one address.</summary>
    Task<IReadOnlyList<OutgoingMessage>> ListPendingAsync(string? to, int take, CancellationToken ct);

    Task MarkSentAsync(string id, DateTimeOffset at, CancellationToken ct);
}
