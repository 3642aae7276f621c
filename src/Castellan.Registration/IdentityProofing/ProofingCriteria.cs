using System.Text;
using Castellan.Registration.Contracts;

namespace Castellan.Registration.IdentityProofing;

/// <summary>What automatic approval looks at, gathered by the RA; no I/O, so the rules are tested on their own.</summary>
public sealed record CriteriaInput(VerificationOutcome Outcome, string? VerifiedName, bool EmailConfirmed, ApplicantAuthentication Authentication, string? CsrCommonName);

/// <summary>
/// Seed 000 "Automated Approval": the RA "validates the provided data against predefined criteria". All four must
/// pass for an application to issue without an officer; any failure is listed for the officer (or, in the API mode,
/// for the calling system). docs/flows/identity-proofed-issuance.md step 4.
/// </summary>
public static class ProofingCriteria
{
    public const string IdentityVerified = "identity-verified";
    public const string EmailConfirmed = "email-confirmed";
    public const string StrongAuthentication = "strong-authentication";
    public const string NameMatches = "name-matches";

    public static IReadOnlyList<CriterionResult> Evaluate(CriteriaInput input) =>
    [
        new(IdentityVerified, input.Outcome == VerificationOutcome.Verified,
            input.Outcome switch
            {
                VerificationOutcome.Verified => "the verifier verified the identity",
                VerificationOutcome.NeedsReview => "the verifier needs an officer to review the evidence",
                VerificationOutcome.Rejected => "the verifier rejected the identity",
                _ => "the verifier has no result yet",
            }),
        new(EmailConfirmed, input.EmailConfirmed, input.EmailConfirmed ? "the email address is confirmed" : "the email address is not confirmed"),
        // Seed 000: "logs in using secure authentication methods (e.g. two-factor authentication)". A password alone is not.
        new(StrongAuthentication, input.Authentication != ApplicantAuthentication.Password,
            input.Authentication == ApplicantAuthentication.Password ? "signed in with a password only (TOTP or a client certificate is needed)" : $"authenticated by {Code(input.Authentication)}"),
        NameCheck(input.VerifiedName, input.CsrCommonName),
    ];

    public static bool AllPass(IReadOnlyList<CriterionResult> criteria) => criteria.Count > 0 && criteria.All(c => c.Passed);

    /// <summary>The results of the criteria <paramref name="policy"/> requires, which alone decide automatic approval.</summary>
    public static IReadOnlyList<CriterionResult> RequiredBy(ProofingPolicy policy, IReadOnlyList<CriterionResult> criteria) =>
        criteria.Where(c => policy.Criteria.Contains(c.Code, StringComparer.Ordinal)).ToList();

    private static CriterionResult NameCheck(string? verified, string? csrName)
    {
        if (string.IsNullOrWhiteSpace(verified)) return new(NameMatches, false, "no verified name to compare with");
        if (string.IsNullOrWhiteSpace(csrName)) return new(NameMatches, false, "the CSR names no common name");
        var same = Normalise(verified) == Normalise(csrName);
        return new(NameMatches, same, same ? $"the CSR names '{csrName}', as verified" : $"the CSR names '{csrName}', the verified identity is '{verified}'");
    }

    /// <summary>
    /// Names compare without case, accents or repeated spaces ("José  García" = "jose garcia"): documents and keyboards
    /// differ in exactly these, and nothing else is forgiven.
    /// </summary>
    internal static string Normalise(string name)
    {
        var b = new StringBuilder(name.Length);
        var space = false;
        foreach (var c in name.Trim())
        {
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space && b.Length > 0) b.Append(' ');
            space = false;
            b.Append(char.ToLowerInvariant(Unaccented(c)));
        }
        return b.ToString();
    }

    // The build runs with InvariantGlobalization, where string.Normalize cannot decompose, so the Latin-1 Supplement and
    // Latin Extended-A letters (U+00C0..U+017F) map to their base letter through this table (made from Unicode's
    // canonical decompositions, plus the letters with strokes such as Ø, Ł, Đ that have none). Other scripts compare as typed.
    private const string LatinBase = "AAAAAAÆCEEEEIIIIÐNOOOOO×OUUUUYÞßaaaaaaæceeeeiiiiðnooooo÷ouuuuyþyAaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiĲĳJjKkĸLlLlLlLlLlNnNnNnŉŊŋOoOoOoŒœRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzſ";

    private static char Unaccented(char c) => c is >= '\u00C0' and <= '\u017F' ? LatinBase[c - '\u00C0'] : c;

    public static string Code(ApplicantAuthentication a) => a switch
    {
        ApplicantAuthentication.Totp => "totp",
        ApplicantAuthentication.ClientCertificate => "client-certificate",
        ApplicantAuthentication.ApiKey => "api-key",
        _ => "password",
    };
}
