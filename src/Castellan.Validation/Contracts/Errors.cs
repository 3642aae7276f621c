namespace Castellan.Validation.Contracts;

/// <summary>Why a validation failed, in the vocabulary of RFC 8555 §6.7, so ACME can map it one to one.</summary>
public enum ValidationFailureKind
{
    /// <summary>The server could not connect to the validation target (ACME "connection").</summary>
    Connection,

    /// <summary>A DNS lookup failed or returned nothing usable (ACME "dns").</summary>
    Dns,

    /// <summary>The response did not match what was expected (ACME "incorrectResponse").</summary>
    IncorrectResponse,

    /// <summary>The TLS handshake or the validation certificate was wrong (ACME "tls").</summary>
    Tls,

    /// <summary>Too few network perspectives agreed (quorum not met) (ACME "unauthorized").</summary>
    Unauthorized,
}

/// <summary>Domain control could not be shown; nothing was recorded as validated.</summary>
public sealed record ValidationFailed(Identifier Identifier, ValidationFailureKind Kind, string Detail) : CastellanError(Detail);

/// <summary>A CAA record set (RFC 8659) forbids this CA from issuing for the name.</summary>
public sealed record CaaForbids(Identifier Identifier, string Detail) : CastellanError(Detail);
