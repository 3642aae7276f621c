using Castellan.Validation.Contracts;

namespace Castellan.Protocols.Acme.Problems;

/// <summary>
/// ACME-specific failures (RFC 8555 §6.7) as values; <see cref="AcmeProblems"/> is the only place that turns these
/// and the shared <see cref="CastellanError"/>s into problem documents.
/// </summary>
internal sealed record BadNonce(string Detail) : CastellanError(Detail);

internal sealed record BadSignatureAlgorithm(string Detail) : CastellanError(Detail);

internal sealed record Unauthorized(string Detail) : CastellanError(Detail);

internal sealed record AccountDoesNotExist(string Detail) : CastellanError(Detail);

internal sealed record BadCsr(string Detail) : CastellanError(Detail);

internal sealed record OrderNotReady(string Detail) : CastellanError(Detail);

internal sealed record RateLimited(string Detail, TimeSpan RetryAfter) : CastellanError(Detail);

internal sealed record RejectedIdentifier(string Detail) : CastellanError(Detail);

internal sealed record UnsupportedIdentifier(string Detail) : CastellanError(Detail);

internal sealed record AlreadyRevoked(string Detail) : CastellanError(Detail);

internal sealed record BadRevocationReason(string Detail) : CastellanError(Detail);

internal sealed record ExternalAccountRequired(string Detail) : CastellanError(Detail);

internal sealed record InvalidProfile(string Detail) : CastellanError(Detail);

internal sealed record UnsupportedContact(string Detail) : CastellanError(Detail);

internal sealed record InvalidContact(string Detail) : CastellanError(Detail);

internal sealed record AcmeNotFound(string Detail) : CastellanError(Detail);

/// <summary>The new key of a key change, or a new account's key, already belongs to <paramref name="AccountUrl"/> (RFC 8555 §7.3.5).</summary>
internal sealed record KeyInUse(string Detail, string AccountUrl) : CastellanError(Detail);

/// <summary>The request body is larger than an ACME message ever needs.</summary>
internal sealed record TooLarge(string Detail) : CastellanError(Detail);

/// <summary>POST without application/jose+json (RFC 8555 §6.2).</summary>
internal sealed record BadContentType(string Detail) : CastellanError(Detail);

/// <summary>The JWS key is not one we accept (RFC 8555 §6.7 badPublicKey).</summary>
internal sealed record BadPublicKey(string Detail) : CastellanError(Detail);

/// <summary>
/// The CAA record set of <paramref name="Name"/> could not be looked up: BR 3.2.2.8 makes that a refusal to issue, so
/// the order gets RFC 8555's caa type, and the DNS failure itself is a dns subproblem for the identifier (§6.7.1), as
/// Boulder reports it.
/// </summary>
internal sealed record CaaUnverifiable(Identifier Name, string LookupDetail)
    : CastellanError($"CAA for {Name.Value} could not be checked, so the CA may not issue: {LookupDetail}");
