namespace Castellan.Authority.Coordination;

/// <summary>
/// A cache of who may do what (resolved API-key callers) that a committed access change makes stale: a key revoked,
/// a user, membership or account changed. Stores call it after committing such a change on this node;
/// <see cref="ChangeFeedFollower"/> calls it when the change feed shows one made on another node.
/// </summary>
public interface IAccessChangeListener
{
    void AccessChanged();
}
