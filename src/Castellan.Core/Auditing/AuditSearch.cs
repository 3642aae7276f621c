namespace Castellan.Auditing;

/// <summary>
/// A search of the audit log, newest first. <see cref="Action"/> matches a prefix ("order." finds every order action);
/// <see cref="From"/> is inclusive and <see cref="To"/> exclusive. <see cref="AccountId"/> keeps the entries about one
/// tenant account: those whose details name it (<c>"account":"ID"</c> or an <c>"accounts"</c> list) or whose target is
/// the account itself.
/// </summary>
public sealed record AuditQuery(string? Actor, string? Action, DateTimeOffset? From, DateTimeOffset? To, string? AccountId, int Skip, int Take);

/// <summary>Reading the audit log for people (the portal), implemented by Castellan.Storage.</summary>
public interface IAuditSearch
{
    Task<(IReadOnlyList<AuditEntry> Items, int Total)> SearchAsync(AuditQuery query, CancellationToken ct);
}
