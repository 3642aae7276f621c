namespace Castellan.Authority.Contracts;

/// <summary>Object identifiers the profiles and the linter speak of.</summary>
public static class Oids
{
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    public const string CodeSigning = "1.3.6.1.5.5.7.3.3";
    public const string EmailProtection = "1.3.6.1.5.5.7.3.4";
    public const string OcspSigning = "1.3.6.1.5.5.7.3.9";
    public const string DocumentSigning = "1.3.6.1.4.1.311.10.3.12";
    public const string OcspNoCheck = "1.3.6.1.5.5.7.48.1.5";

    public const string BasicConstraints = "2.5.29.19";
    public const string KeyUsage = "2.5.29.15";
    public const string ExtendedKeyUsage = "2.5.29.37";
    public const string SubjectAltName = "2.5.29.17";
    public const string SubjectKeyIdentifier = "2.5.29.14";
    public const string AuthorityKeyIdentifier = "2.5.29.35";
    public const string CrlDistributionPoints = "2.5.29.31";
    public const string CertificatePolicies = "2.5.29.32";
    public const string NameConstraints = "2.5.29.30";
    public const string AuthorityInfoAccess = "1.3.6.1.5.5.7.1.1";

    public const string EcPublicKey = "1.2.840.10045.2.1";
    public const string RsaEncryption = "1.2.840.113549.1.1.1";
    public const string Ed25519 = "1.3.101.112";
    public const string P256 = "1.2.840.10045.3.1.7";
    public const string P384 = "1.3.132.0.34";
    public const string P521 = "1.3.132.0.35";

    // CA/Browser Forum reserved policy identifiers (BR 7.1.6.1, S/MIME BR 7.1.6.1).
    public const string CabfDomainValidated = "2.23.140.1.2.1";
    public const string CabfOrganizationValidated = "2.23.140.1.2.2";
    public const string CabfExtendedValidation = "2.23.140.1.1";
    public const string CabfSmimeMailboxStrict = "2.23.140.1.5.1.3";
}
