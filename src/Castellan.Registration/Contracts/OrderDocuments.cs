namespace Castellan.Registration.Contracts;

/// <summary>
/// A KYC document attached to an order (seed 003 "KYC Documents ... Add Document"). <see cref="ContentType"/> is the
/// type sniffed from the content's magic bytes, never the one the uploader claimed; <see cref="FileName"/> is sanitised.
/// </summary>
public sealed record OrderDocument(string Id, string OrderId, string AccountId, string FileName, string ContentType, long Size, string Sha256,
    string UploadedBy, DateTimeOffset UploadedAt);

/// <summary>Document storage, implemented by Castellan.Storage (content in the database, next to its metadata).</summary>
public interface IOrderDocumentStore
{
    Task AddAsync(OrderDocument document, byte[] content, CancellationToken ct);

    Task<IReadOnlyList<OrderDocument>> ListAsync(string orderId, CancellationToken ct);

    Task<(OrderDocument Document, byte[] Content)?> GetAsync(string orderId, string documentId, CancellationToken ct);
}

/// <summary>
/// Seed 003 "Certificate Download Delegation": a named delegate who may download the order's certificate without an
/// account, with a PIN sent to their email. Only the PIN's PBKDF2 hash is kept; <see cref="FailedAttempts"/> counts
/// wrong PINs and locks the delegation at the limit.
/// </summary>
public sealed record DownloadDelegate(string OrderId, string Name, string Email, string PinHash, int FailedAttempts, string CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

public interface IDownloadDelegationStore
{
    /// <summary>Creates or replaces the order's delegate (a new PIN starts with no failed attempts).</summary>
    Task SaveAsync(DownloadDelegate delegation, CancellationToken ct);

    Task<DownloadDelegate?> GetAsync(string orderId, CancellationToken ct);

    /// <summary>
    /// One conditional UPDATE: counts an attempt when fewer than <paramref name="max"/> were counted; false when locked.
    /// Counting before checking the PIN means parallel guesses cannot exceed the limit.
    /// </summary>
    Task<bool> TryClaimAttemptAsync(string orderId, int max, CancellationToken ct);

    /// <summary>A right PIN gives its claimed attempt back.</summary>
    Task ReleaseAttemptAsync(string orderId, CancellationToken ct);
}

/// <summary>The PIN or the email did not match (or there is no delegation); says nothing about which.</summary>
public sealed record DelegationRefused(int AttemptsLeft)
    : CastellanError($"the email or PIN is wrong; {AttemptsLeft} attempts left");

/// <summary>Too many wrong PINs (or the delegation expired): the order's owner must name the delegate again.</summary>
public sealed record DelegationLocked()
    : CastellanError("this download delegation is locked after too many wrong PINs or has expired; ask the order's owner for a new PIN");
