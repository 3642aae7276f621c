using Castellan.Registration.Contracts;
using Castellan.Portal.Session;
using Castellan.Registration.IdentityProofing;

namespace Castellan.Portal.IdentityProofing;

/// <summary>The words the identity pages use for statuses and criteria.</summary>
internal static class IdentityText
{
    public static string Status(ProofingStatus s) => s switch
    {
        ProofingStatus.AwaitingEvidence => "Waiting for identity evidence",
        ProofingStatus.AwaitingReview => "Waiting for an RA officer",
        ProofingStatus.Issued => "Certificate issued",
        _ => "Rejected",
    };

    public static string Criterion(string code) => code switch
    {
        ProofingCriteria.IdentityVerified => "Identity verified",
        ProofingCriteria.EmailConfirmed => "Email address confirmed",
        ProofingCriteria.StrongAuthentication => "Strong sign-in (TOTP or client certificate)",
        ProofingCriteria.NameMatches => "Name in the request matches the verified identity",
        _ => code,
    };

    public static string Approval(ProofingApproval a) => a switch
    {
        ProofingApproval.Manual => "reviewed by an RA officer",
        ProofingApproval.Automatic => "approved automatically when every criterion passes",
        _ => "decided in real time through the API",
    };

    public static ApplicantAuthentication Authentication(string method) => method switch
    {
        PortalClaims.TotpMethod => ApplicantAuthentication.Totp,
        PortalClaims.CertificateMethod => ApplicantAuthentication.ClientCertificate,
        _ => ApplicantAuthentication.Password,
    };
}
