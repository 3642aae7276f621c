namespace Castellan.Authority.Contracts;

public enum ChangeKind
{
    /// <summary>A certificate was revoked, put on hold or released: cached OCSP answers for it are stale.</summary>
    CertificateStatus = 1,

    /// <summary>A CA was created, imported, disabled, rotated or got a new OCSP responder: the CA directory is stale.</summary>
    CertificateAuthority = 2,

    /// <summary>An API key was revoked, or a user, membership or account changed: cached API-key callers are stale.</summary>
    Access = 3,
}

/// <summary>One committed change, at <paramref name="Position"/> in the feed.</summary>
public readonly record struct ChangeNotice(long Position, ChangeKind Kind, string CaId, SerialNumber? Serial);

/// <summary>
/// The cross-node change feed: how a node learns that another node sharing the database changed something it caches.
/// Implemented by Castellan.Storage. The stores write an entry in the same transaction as the change itself
/// (<see cref="ICertificateStore.RevokeAsync"/>, <see cref="ICertificateStore.ReleaseHoldAsync"/>,
/// <see cref="ICaStore.AddAsync"/>, <see cref="ICaStore.UpdateAsync"/>), so a committed change is never missing
/// from the feed. Positions increase in commit order: a reader that has seen position N has seen every entry below N.
/// Issuance is not in the feed: a node that has no cached answer for a serial reads it from the database.
/// </summary>
public interface IChangeFeed
{
    /// <summary>The position of the newest entry, or 0 when the feed is empty.</summary>
    Task<long> HeadAsync(CancellationToken ct);

    /// <summary>Entries after <paramref name="position"/>, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<ChangeNotice>> ReadAfterAsync(long position, int max, CancellationToken ct);

    /// <summary>Deletes entries recorded before <paramref name="before"/>; every live node has long read them.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken ct);
}
