using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;

namespace Castellan.Authority.Profiles;

/// <summary>The profiles every installation has. Ids are part of the API and never change.</summary>
public static class BuiltInProfiles
{
    private const X509KeyUsageFlags Sign = X509KeyUsageFlags.DigitalSignature;

    public static readonly CertificateProfile TlsServer = new()
    {
        Id = "tls-server",
        Name = "TLS server",
        Description = "Publicly-trusted-style TLS server certificate (CA/B Forum TLS BR); DNS and IP names.",
        Trust = TrustStyle.PublicTls,
        MaxValidityDays = 200, // SC-081v3 maximum from 2026-03-15; the linter applies the date-based schedule
        KeyUsage = Sign,
        ExtendedKeyUsages = [Oids.ServerAuth],
        AllowedSanTypes = [SanType.Dns, SanType.Ip],
        RequireSan = true,
        AllowWildcards = true,
        AllowedSubjectAttributes = ["CN"],
        PolicyOids = [Oids.CabfDomainValidated],
        AllowServerKeyGeneration = true,
        BuiltIn = true,
    };

    /// <summary>
    /// Organisation-validated TLS (BR 7.1.4.2.2): the subject carries the verified organisation (O, L, ST, C) beside
    /// CN, which the DV profile refuses. Separate profiles so a DV certificate can never carry O.
    /// </summary>
    public static readonly CertificateProfile TlsServerOv = TlsServer with
    {
        Id = "tls-server-ov",
        Name = "TLS server (OV)",
        Description = "TLS server certificate naming a verified organisation (CA/B Forum TLS BR OV).",
        AllowedSubjectAttributes = ["CN", "O", "L", "ST", "C"],
        PolicyOids = [Oids.CabfOrganizationValidated],
    };

    /// <summary>Extended validation: the OV subject plus the registration number (SERIALNUMBER, EV Guidelines 9.2.6).</summary>
    public static readonly CertificateProfile TlsServerEv = TlsServer with
    {
        Id = "tls-server-ev",
        Name = "TLS server (EV)",
        Description = "TLS server certificate naming a verified organisation and its registration number (CA/B Forum EV).",
        AllowedSubjectAttributes = ["CN", "O", "L", "ST", "C", "SERIALNUMBER"],
        PolicyOids = [Oids.CabfExtendedValidation],
    };

    public static readonly CertificateProfile TlsClient = new()
    {
        Id = "tls-client",
        Name = "TLS client",
        Description = "Private TLS client authentication for people, services and devices.",
        MaxValidityDays = 5 * 365,
        DefaultValidityDays = 365,
        KeyUsage = Sign,
        ExtendedKeyUsages = [Oids.ClientAuth],
        AllowedSanTypes = [SanType.Dns, SanType.Email, SanType.Uri, SanType.Ip],
        AllowedSubjectAttributes = ["CN", "O", "OU", "L", "ST", "C", "E", "SERIALNUMBER"],
        AllowServerKeyGeneration = true,
        AllowEd25519 = true,
        BuiltIn = true,
    };

    public static readonly CertificateProfile MutualTls = new()
    {
        Id = "mtls",
        Name = "Mutual TLS",
        Description = "Private certificate for both ends of mutual TLS (serverAuth and clientAuth).",
        MaxValidityDays = 5 * 365,
        DefaultValidityDays = 365,
        KeyUsage = Sign | X509KeyUsageFlags.KeyEncipherment,
        ExtendedKeyUsages = [Oids.ServerAuth, Oids.ClientAuth],
        AllowedSanTypes = [SanType.Dns, SanType.Ip, SanType.Uri],
        RequireSan = true,
        AllowWildcards = true,
        AllowedSubjectAttributes = ["CN", "O", "OU", "L", "ST", "C"],
        AllowServerKeyGeneration = true,
        AllowEd25519 = true,
        BuiltIn = true,
    };

    public static readonly CertificateProfile SmimeMailbox = new()
    {
        Id = "smime-mailbox",
        Name = "S/MIME mailbox-validated (strict)",
        Description = "S/MIME BR mailbox-validated strict: email address only, emailProtection only.",
        Trust = TrustStyle.PublicSmime,
        MaxValidityDays = 825, // S/MIME BR 6.3.2
        DefaultValidityDays = 365,
        KeyUsage = Sign | X509KeyUsageFlags.KeyEncipherment,
        ExtendedKeyUsages = [Oids.EmailProtection],
        AllowedSanTypes = [SanType.Email],
        RequireSan = true,
        AllowedSubjectAttributes = ["CN", "E"],
        PolicyOids = [Oids.CabfSmimeMailboxStrict],
        AllowServerKeyGeneration = true,
        BuiltIn = true,
    };

    public static readonly CertificateProfile CodeSigning = new()
    {
        Id = "code-signing",
        Name = "Code signing",
        Description = "Private code signing; organisation subject, no SANs.",
        MaxValidityDays = 3 * 365,
        DefaultValidityDays = 365,
        AllowedCurves = ["P-256", "P-384"],
        MinRsaBits = 3072, // CSBR 6.1.5
        KeyUsage = Sign,
        ExtendedKeyUsages = [Oids.CodeSigning],
        AllowedSubjectAttributes = ["CN", "O", "OU", "L", "ST", "C"],
        BuiltIn = true,
    };

    public static readonly CertificateProfile DocumentSigning = new()
    {
        Id = "document-signing",
        Name = "Document signing",
        Description = "Signatures on documents (PDF); non-repudiation.",
        MaxValidityDays = 3 * 365,
        DefaultValidityDays = 365,
        KeyUsage = Sign | X509KeyUsageFlags.NonRepudiation,
        ExtendedKeyUsages = [Oids.DocumentSigning, Oids.EmailProtection],
        AllowedSanTypes = [SanType.Email],
        AllowedSubjectAttributes = ["CN", "O", "OU", "L", "ST", "C", "E", "SERIALNUMBER"],
        AllowServerKeyGeneration = true,
        AllowEd25519 = true,
        BuiltIn = true,
    };

    public static readonly CertificateProfile OcspSigning = new()
    {
        Id = "ocsp-signing",
        Name = "OCSP signing",
        Description = "Delegated OCSP responder (RFC 6960 4.2.2.2) with id-pkix-ocsp-nocheck; short-lived.",
        MaxValidityDays = 90,
        DefaultValidityDays = 30,
        KeyUsage = Sign,
        ExtendedKeyUsages = [Oids.OcspSigning],
        AllowedSubjectAttributes = ["CN", "O", "OU", "C"],
        IncludeCrlDistributionPoint = false,
        IncludeOcspUrl = false,
        OcspNoCheck = true,
        BuiltIn = true,
    };

    public static readonly CertificateProfile SubordinateCa = new()
    {
        Id = "sub-ca",
        Name = "Subordinate CA",
        Description = "An intermediate CA certificate; path length and name constraints from the request.",
        MaxValidityDays = 10 * 365,
        DefaultValidityDays = 5 * 365,
        KeyUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | Sign,
        AllowedSubjectAttributes = ["CN", "O", "OU", "L", "ST", "C"],
        IsCa = true,
        PathLength = 0,
        IncludeOcspUrl = false,
        BuiltIn = true,
    };

    public static IReadOnlyList<CertificateProfile> All { get; } =
        [TlsServer, TlsServerOv, TlsServerEv, TlsClient, MutualTls, SmimeMailbox, CodeSigning, DocumentSigning, OcspSigning, SubordinateCa];
}
