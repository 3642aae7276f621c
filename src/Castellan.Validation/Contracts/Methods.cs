namespace Castellan.Validation.Contracts;

/// <summary>
/// The domain-control validation methods (CA/B Forum BR 3.2.2.4 and RFC 8555/8737). The ACME challenge types and the
/// RA's own methods for portal and API orders share one validation authority.
/// </summary>
public enum ValidationMethod
{
    /// <summary>ACME http-01: GET http://NAME:port/.well-known/acme-challenge/TOKEN returns the key authorization (BR 3.2.2.4.19).</summary>
    Http01,

    /// <summary>ACME dns-01: TXT _acme-challenge.NAME holds base64url(SHA-256(key authorization)) (BR 3.2.2.4.7).</summary>
    Dns01,

    /// <summary>ACME tls-alpn-01 (RFC 8737): a self-signed certificate with the acmeIdentifier extension over ALPN "acme-tls/1" (BR 3.2.2.4.20).</summary>
    TlsAlpn01,

    /// <summary>RA orders: GET http://NAME/.well-known/pki-validation/TOKEN.txt contains the random value (BR 3.2.2.4.18).</summary>
    HttpFile,

    /// <summary>RA orders: TXT _validation.NAME (or NAME) contains the random value (BR 3.2.2.4.7).</summary>
    DnsTxt,

    /// <summary>A random value emailed to admin@, administrator@, webmaster@, hostmaster@ or postmaster@ (BR 3.2.2.4.4).</summary>
    ConstructedEmail,

    /// <summary>A random value emailed to the contact in the domain's CAA contactemail property (BR 3.2.2.4.13).</summary>
    CaaContactEmail,

    /// <summary>A random value emailed to the contact in the _validation-contactemail TXT record (BR 3.2.2.4.14).</summary>
    TxtContactEmail,
}

/// <summary>
/// One validation attempt. <see cref="Token"/> names the challenge (URL path part for HTTP methods);
/// <see cref="ExpectedValue"/> is what must be found: for http-01 and tls-alpn-01 the key authorization
/// (token + "." + JWK thumbprint), for dns-01 the base64url SHA-256 digest of it, for the RA methods the random value.
/// <see cref="AccountId"/> is the RA account the proof will count for (reuse is per account).
/// </summary>
public sealed record ValidationRequest(Identifier Identifier, ValidationMethod Method, string Token, string ExpectedValue, string? AccountId);
