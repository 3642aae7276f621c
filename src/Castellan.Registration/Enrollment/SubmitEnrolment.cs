using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Issuance;
using Castellan.Authority.Profiles;
using Castellan.Registration.Contracts;
using Castellan.Registration.Users;

namespace Castellan.Registration.Enrollment;

/// <summary>What the public enrolment page shows: the fixed email, the prefilled values, and what the policy asks.</summary>
public sealed record EnrolmentForm(string InvitationId, string Email, string PolicyName, string? GivenName, string? Surname, string? OrganisationUnit,
    IReadOnlyList<string> RequiredFields, IReadOnlyList<EnrolmentKeySource> KeySources, IReadOnlyList<string> BrowserAlgorithms, DateTimeOffset ExpiresAt);

/// <summary>After a submission: submitted (waits for an administrator) or approved at once by the policy.</summary>
public sealed record EnrolmentSubmitted(string InvitationId, InvitationStatus Status);

/// <summary>
/// Seed 001 stage one, "User Reaction": the applicant follows the enrolment link (no account), fills the policy's form
/// and hands in a CSR (built in the browser around a key that stays there, or pasted), or asks for a server key.
/// The link works once and until it expires. The CSR proves possession of the key (its signature is verified) and its
/// key must suit the profile; its subject and names are ignored: the subject and the email SAN come from the policy
/// and the invitation (docs/flows/enrolment.md step 3).
/// </summary>
public sealed class SubmitEnrolment(IEnrolmentStore store, IProductStore products, ProfileCatalog profiles, DecideEnrolment decide, IAuditLog audit, TimeProvider clock)
{
    public async Task<Result<EnrolmentForm>> ReadAsync(string? token, CancellationToken ct)
    {
        var found = await FindAsync(token, ct);
        if (found.IsError) return found.Error;
        var (invitation, policy) = found.Value;
        var profile = await ProfileOfAsync(policy, ct);
        var algorithms = new List<string>();
        if (profile?.AllowedCurves.Contains("P-256") == true) algorithms.Add("ECDSA P-256");
        if (profile?.AllowRsa == true) algorithms.Add(profile.MinRsaBits > 2048 ? "RSA 3072" : "RSA 2048");
        return new EnrolmentForm(invitation.Id, invitation.Email, policy.Name, invitation.GivenName, invitation.Surname, invitation.OrganisationUnit,
            policy.RequiredFields, policy.KeySources, algorithms, invitation.EnrolExpiresAt);
    }

    public async Task<Result<EnrolmentSubmitted>> SubmitAsync(string? token, EnrolmentSubmission form, string? address, CancellationToken ct)
    {
        var found = await FindAsync(token, ct);
        if (found.IsError) return found.Error;
        var (invitation, policy) = found.Value;
        var errors = new List<FieldError>();
        string? Field(string name, string? value)
        {
            var v = value?.Trim();
            if (string.IsNullOrEmpty(v))
            {
                if (policy.RequiredFields.Contains(name)) errors.Add(new FieldError(name, "this field is required"));
                return null;
            }
            if (v.Length > 64 || v.Any(char.IsControl)) { errors.Add(new FieldError(name, "at most 64 characters on one line")); return null; }
            return v;
        }
        var given = Field(EnrolmentFields.GivenName, form.GivenName);
        var surname = Field(EnrolmentFields.Surname, form.Surname);
        var unit = Field(EnrolmentFields.OrganisationUnit, form.OrganisationUnit);

        var source = EnrolmentPolicies.ParseKeySource(form.KeySource);
        string? csr = null;
        if (source is null || !policy.KeySources.Contains(source.Value))
            errors.Add(new FieldError("keySource", $"choose one of: {string.Join(", ", policy.KeySources.Select(EnrolmentPolicies.Code))}"));
        else if (source != EnrolmentKeySource.Server)
        {
            var checkedCsr = await CheckCsrAsync(form.Csr, policy, ct);
            if (checkedCsr.IsError) errors.Add(new FieldError("csr", checkedCsr.Error.Detail));
            else csr = checkedCsr.Value;
        }
        if (errors.Count > 0) return new EnrolmentFormInvalid(errors);

        var now = clock.GetUtcNow();
        var submitted = invitation with
        {
            Status = InvitationStatus.Submitted, GivenName = given, Surname = surname, OrganisationUnit = unit, KeySource = source,
            Csr = csr, SubmittedAt = now, UpdatedAt = now,
        };
        // Single use: of two submissions racing on one link, only one moves it out of Invited.
        if (!await store.TransitionAsync(submitted, InvitationStatus.Invited, ct)) return new EnrolmentLinkUnusable(LinkState.Used);
        var origin = new RequestOrigin($"invitee:{invitation.Id}", address);
        await EnrolmentLinks.AuditAsync(audit, origin, "enrolment.submitted", submitted, new { keySource = EnrolmentPolicies.Code(source!.Value) });

        if (policy.Approval != EnrolmentApproval.Automatic) return new EnrolmentSubmitted(submitted.Id, InvitationStatus.Submitted);
        // Seed 001 "Depending on the Enrolment Policy this stage may be automated": the policy is the approver.
        var approved = await decide.ApproveSubmittedAsync(submitted, policy, new RequestOrigin($"enrolment-policy:{policy.Id}", address), ct);
        return new EnrolmentSubmitted(submitted.Id, approved.IsError ? InvitationStatus.Submitted : InvitationStatus.Approved);
    }

    private async Task<Result<(Invitation, EnrolmentPolicy)>> FindAsync(string? token, CancellationToken ct)
    {
        if (!EnrolmentLinks.WellFormed(token, EnrolmentLinks.EnrolPrefix)) return new EnrolmentLinkUnusable(LinkState.Unknown);
        var invitation = await store.FindByEnrolTokenHashAsync(EnrolmentLinks.Hash(token!), ct);
        if (invitation is null) return new EnrolmentLinkUnusable(LinkState.Unknown);
        if (invitation.Status != InvitationStatus.Invited) return new EnrolmentLinkUnusable(LinkState.Used);
        if (invitation.EnrolLinkExpired(clock.GetUtcNow())) return new EnrolmentLinkUnusable(LinkState.Expired);
        var policy = await store.GetPolicyAsync(invitation.PolicyId, ct);
        if (policy is null) return new EnrolmentLinkUnusable(LinkState.Unknown);
        return (invitation, policy);
    }

    private async Task<CertificateProfile?> ProfileOfAsync(EnrolmentPolicy policy, CancellationToken ct)
    {
        var product = await products.GetAsync(policy.ProductId, ct);
        if (product is null) return null;
        var profile = await profiles.FindAsync(product.ProfileId, ct);
        return profile.IsError ? null : profile.Value;
    }

    /// <summary>The CSR as PEM when its signature verifies and its key suits the profile.</summary>
    private async Task<Result<string>> CheckCsrAsync(string? text, EnrolmentPolicy policy, CancellationToken ct)
    {
        var profile = await ProfileOfAsync(policy, ct);
        if (profile is null) return new NotFound("product", $"product '{policy.ProductId}' does not exist");
        return CheckCsr(text, profile);
    }

    /// <summary>The CSR as PEM when its signature verifies and its key suits <paramref name="profile"/>; shared with registration-number enrolment and identity-proofed issuance.</summary>
    internal static Result<string> CheckCsr(string? text, CertificateProfile profile)
    {
        if (string.IsNullOrWhiteSpace(text)) return new MalformedInput("paste the certificate request (CSR), or generate the key in the browser");
        // A pasted private key is refused outright, and not stored: only the request belongs here.
        if (text.Contains("PRIVATE KEY", StringComparison.Ordinal))
            return new MalformedInput("this is a private key; never send it to anyone. Paste the certificate request (BEGIN CERTIFICATE REQUEST) instead");
        var parsed = CsrReader.Read(text);
        if (parsed.IsError) return parsed.Error;
        var key = parsed.Value.Key;
        var refused = key.Type switch
        {
            "RSA" when !profile.AllowRsa => $"RSA keys are not accepted here",
            "RSA" when key.Bits < Math.Max(2048, profile.MinRsaBits) => $"RSA {key.Bits} is too weak; at least {Math.Max(2048, profile.MinRsaBits)} bits",
            "EC" when !profile.AllowedCurves.Contains(key.Curve ?? "") => $"EC curve {key.Curve} is not accepted (allowed: {string.Join(", ", profile.AllowedCurves)})",
            "Ed25519" when !profile.AllowEd25519 => "Ed25519 keys are not accepted here",
            _ => null,
        };
        if (refused is not null) return new PolicyViolation("key.type", refused);
        return PemOf(text);
    }

    private static string PemOf(string text)
    {
        if (System.Security.Cryptography.PemEncoding.TryFind(text, out var f)) return text[f.Location].ToString();
        return System.Security.Cryptography.PemEncoding.WriteString("CERTIFICATE REQUEST", Convert.FromBase64String(text.Trim()));
    }

    /// <summary>For an email address that <see cref="Fields"/> accepted; kept here so the subject rules sit with the submission.</summary>
    internal static string SubjectFor(CertificateProfile profile, Invitation i)
    {
        var b = new System.Security.Cryptography.X509Certificates.X500DistinguishedNameBuilder();
        // S/MIME BR 7.1.4.2.2: in a mailbox-validated certificate the commonName, if present, is the mailbox address.
        var name = InviteApplicants.DisplayName(i);
        var cn = profile.Trust == TrustStyle.PublicSmime || name.Length > 64 ? i.Email : name;
        if (profile.AllowedSubjectAttributes.Contains("OU") && i.OrganisationUnit is { } ou) b.AddOrganizationalUnitName(ou);
        if (profile.AllowedSubjectAttributes.Contains("CN") && cn.Length <= 64) b.AddCommonName(cn);
        return b.Build().Name;
    }
}
