namespace Castellan.Validation.Contracts;

/// <summary>
/// The validation authority: the one component that proves control of names, for ACME challenges and for RA orders
/// alike, and checks CAA before every issuance. Callers: the ACME server (challenge responses, finalize) and the RA
/// (order DCV, issuance). Implementations corroborate from several network perspectives and record evidence.
/// </summary>
public interface IValidationAuthority
{
    /// <summary>Performs the validation now (no reuse); on success the evidence is stored and returned.</summary>
    Task<Result<ValidationEvidence>> ValidateAsync(ValidationRequest request, CancellationToken ct);

    /// <summary>A still-reusable earlier validation of <paramref name="identifier"/> for the account, if any.</summary>
    Task<ValidationEvidence?> FindReusableAsync(string accountId, Identifier identifier, CancellationToken ct);

    /// <summary>RFC 8659 CAA check for one name (wildcards use issuewild). Returns <see cref="CaaForbids"/> when refused.</summary>
    Task<Result<CaaDecision>> CheckCaaAsync(Identifier identifier, CancellationToken ct) => CheckCaaAsync(identifier, CaaRequester.Unknown, ct);

    /// <summary>As above, honouring RFC 8657 <c>accounturi</c> and <c>validationmethods</c> against <paramref name="requester"/>.</summary>
    Task<Result<CaaDecision>> CheckCaaAsync(Identifier identifier, CaaRequester requester, CancellationToken ct);
}
