using Castellan.Authority.Contracts;

namespace Castellan.Authority.Issuance;

/// <summary>
/// What issuance would refuse about a parsed CSR under a profile, found before anything is ordered or signed: the same
/// checks <see cref="IssueCertificate"/> runs (key, names, subject), so a form can show them while the applicant types.
/// </summary>
public static class CsrProblems
{
    /// <param name="sans">The names the order will carry; null when the certificate takes the CSR's own names.</param>
    public static IReadOnlyList<CastellanError> Under(CertificateProfile profile, ParsedCsr csr, IReadOnlyList<string>? sans)
    {
        var problems = new List<CastellanError>();
        if (profile.IsCa) problems.Add(new PolicyViolation("profile.ca", "CA certificates are created through the CA hierarchy, not ordered"));
        if (IssueCertificate.CheckKey(profile, csr.Key) is { } weak) problems.Add(weak);
        var chosen = IssueCertificate.ChooseSans(profile, sans, csr.RequestedSans);
        if (chosen.IsError) problems.Add(chosen.Error);
        // A requested subject replaces the CSR's; only the CSR's own subject is judged here.
        var subject = IssueCertificate.ChooseSubject(profile, null, csr.Subject, chosen.IsError ? [] : chosen.Value);
        if (subject.IsError) problems.Add(subject.Error);
        return problems;
    }
}
