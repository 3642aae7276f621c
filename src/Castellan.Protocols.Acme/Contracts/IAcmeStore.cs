namespace Castellan.Protocols.Acme.Contracts;

/// <summary>
/// ACME storage, implemented by Castellan.Storage. Each method is one round trip (one statement or one transaction):
/// the hot path of an order (account, order, challenge, finalize, download) is about seven of them.
/// </summary>
public interface IAcmeStore
{
    /// <summary>False when the key (thumbprint) already has an account; the caller then reads that account.</summary>
    Task<bool> AddAccountAsync(AcmeAccount account, CancellationToken ct);

    Task<AcmeAccount?> GetAccountAsync(string id, CancellationToken ct);

    Task<AcmeAccount?> FindAccountByKeyAsync(string thumbprint, CancellationToken ct);

    /// <summary>Replaces contact and/or status of a valid account; false when it is no longer valid.</summary>
    Task<bool> UpdateAccountAsync(string id, IReadOnlyList<string>? contact, string? status, CancellationToken ct);

    /// <summary>RFC 8555 §7.3.5 key rollover: conditional on the old thumbprint; false when it changed or the new key is taken.</summary>
    Task<bool> ChangeKeyAsync(string id, string oldThumbprint, string newThumbprint, string newJwk, CancellationToken ct);

    /// <summary>The order and its authorizations in one transaction.</summary>
    Task AddOrderAsync(AcmeOrder order, IReadOnlyList<AcmeAuthorization> authorizations, CancellationToken ct);

    Task<AcmeOrder?> GetOrderAsync(string id, CancellationToken ct);

    Task<AcmeOrder?> FindOrderByCertificateAsync(string serial, CancellationToken ct);

    /// <summary>Order ids of an account, newest first.</summary>
    Task<IReadOnlyList<string>> ListOrderIdsAsync(string accountId, int skip, int take, CancellationToken ct);

    Task<AcmeAuthorization?> GetAuthorizationAsync(string id, CancellationToken ct);

    /// <summary>Marks <paramref name="challenge"/> as processing on a pending authorization nobody is validating yet; false otherwise.</summary>
    Task<bool> StartChallengeAsync(string authorizationId, string challenge, CancellationToken ct);

    /// <summary>
    /// Writes the validation outcome and, in the same transaction, moves the order: pending -> ready when every
    /// authorization is now valid, pending -> invalid (with the error) when this one failed. False when the
    /// authorization was no longer pending (deactivated meanwhile), so nothing was written.
    /// </summary>
    Task<bool> CompleteAuthorizationAsync(AuthorizationOutcome outcome, CancellationToken ct);

    /// <summary>RFC 8555 §7.5.2: the client gives up an authorization; its pending or ready order becomes invalid.</summary>
    Task<bool> DeactivateAuthorizationAsync(string authorizationId, string orderId, CancellationToken ct);

    /// <summary>Conditional status move of an order (finalize claims ready -> processing); false when it was not in <paramref name="from"/>.</summary>
    Task<bool> TransitionOrderAsync(string id, string from, string to, CancellationToken ct);

    /// <summary>processing -> valid with the certificate, or -> invalid with the error.</summary>
    Task FinishOrderAsync(OrderOutcome outcome, CancellationToken ct);

    Task<bool> AddEabCredentialAsync(EabCredential credential, CancellationToken ct);

    Task<EabCredential?> GetEabCredentialAsync(string keyId, CancellationToken ct);

    /// <summary>An account's EAB credentials, newest first, revoked ones too.</summary>
    Task<IReadOnlyList<EabCredential>> ListEabCredentialsAsync(string accountId, CancellationToken ct);

    /// <summary>Sets the revocation time once; false when the credential is not the account's or was already revoked.</summary>
    Task<bool> RevokeEabCredentialAsync(string accountId, string keyId, DateTimeOffset at, CancellationToken ct);

    /// <summary>Records that an operator started replacing every certificate of a CA (ARI windows move to now).</summary>
    Task AddCaReplacementAsync(string caId, DateTimeOffset at, string actor, CancellationToken ct);

    Task<DateTimeOffset?> FindCaReplacementAsync(string caId, CancellationToken ct);

    /// <summary>RFC 8555 §6.5 single use across nodes: records a redeemed nonce; false when it was already recorded.
    /// The row may be deleted after <paramref name="expires"/>, when the nonce is refused by age anyway.</summary>
    Task<bool> UseNonceAsync(string nonce, DateTimeOffset expires, CancellationToken ct);

    /// <summary>Deletes used-nonce records that expired before <paramref name="now"/>; returns how many.</summary>
    Task<int> DeleteUsedNoncesAsync(DateTimeOffset now, CancellationToken ct);

    /// <summary>A named secret shared by every node: stores <paramref name="candidate"/> unless one exists, and returns the stored one.</summary>
    Task<byte[]> GetOrAddSecretAsync(string name, byte[] candidate, CancellationToken ct);

    /// <summary>RFC 8555 §7.1.6 in the rows: pending/ready orders with expires before <paramref name="now"/> become
    /// invalid, pending authorizations expired. Returns how many of each.</summary>
    Task<(int Orders, int Authorizations)> ExpireAsync(DateTimeOffset now, CancellationToken ct);
}
