using System.Security.Claims;

namespace Castellan.Portal.Session;

/// <summary>What the session cookie carries: the login and the account it acts in. Permissions are never in the cookie; they are read afresh.</summary>
public static class PortalClaims
{
    public const string CookieName = "castellan.portal";
    public const string UserId = ClaimTypes.NameIdentifier;
    public const string AccountId = "castellan:account";

    /// <summary>A registration-number applicant's session (seed 002): the application id, and nothing of any user or account.</summary>
    public const string ApplicantId = "castellan:applicant";

    /// <summary>
    /// How the session was authenticated (RFC 8176 "amr" values: "pwd", "otp"; "x509" for a client certificate), so
    /// identity proofing can tell a strong sign-in from a password (seed 000 "Automated Approval").
    /// </summary>
    public const string Method = "amr";
    public const string PasswordMethod = "pwd";
    public const string TotpMethod = "otp";
    public const string CertificateMethod = "x509";

    public static string? Of(ClaimsPrincipal? principal, string type) =>
        principal?.Identity?.IsAuthenticated == true ? principal.FindFirst(type)?.Value : null;
}

/// <summary>The browser's address as the host resolved it when the page was requested; for the audit log.</summary>
public sealed record ClientOrigin(string? Address);
