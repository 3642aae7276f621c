namespace Castellan.Validation.Contracts;

/// <summary>
/// Who asks for issuance, for the RFC 8657 CAA parameters: <see cref="AccountUri"/> is the ACME account URL (matched
/// against <c>accounturi</c>), <see cref="Method"/> the method that proved control of the name, whether just now or in
/// the reused validation (its <see cref="ValidationMethodLabels"/> label is matched against <c>validationmethods</c>).
/// Null when unknown or not ACME: a record carrying that parameter then does not authorize (RFC 8657 §3, §4: the CA
/// must not issue when it cannot tell they match).
/// </summary>
public sealed record CaaRequester(string? AccountUri, ValidationMethod? Method)
{
    public static readonly CaaRequester Unknown = new(null, null);
}
