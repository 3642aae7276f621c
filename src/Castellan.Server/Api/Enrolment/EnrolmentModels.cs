using Castellan.Registration.Contracts;
using Castellan.Registration.Enrollment;

namespace Castellan.Server.Api.Enrolment;

public sealed record PolicyBody(string? AccountId, string? Name, string? ProductId, IReadOnlyList<string>? RequiredFields, IReadOnlyList<string>? KeySources,
    string? Approval, int? LinkLifetimeHours)
{
    public EnrolmentPolicyInput Input => new(Name, ProductId, RequiredFields, KeySources, Approval, LinkLifetimeHours);
}

public sealed record PolicyView(string Id, string AccountId, string Name, string ProductId, IReadOnlyList<string> RequiredFields, IReadOnlyList<string> KeySources,
    string Approval, double LinkLifetimeHours, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static PolicyView From(EnrolmentPolicy p) => new(p.Id, p.AccountId, p.Name, p.ProductId, p.RequiredFields, p.KeySources.Select(EnrolmentPolicies.Code).ToList(),
        p.Approval.ToString().ToLowerInvariant(), p.LinkLifetime.TotalHours, p.CreatedAt, p.UpdatedAt);
}

/// <summary>An invitation as the administrator sees it: never the link tokens (only their hashes exist) and never the CSR body.</summary>
public sealed record InvitationView(string Id, string AccountId, string PolicyId, string Email, string Status, string? GivenName, string? Surname,
    string? OrganisationUnit, string? KeySource, DateTimeOffset CreatedAt, DateTimeOffset EnrolExpiresAt, DateTimeOffset? SubmittedAt, string? DecidedBy,
    DateTimeOffset? DecidedAt, string? Reason, string? CertificateSerial, DateTimeOffset? CollectedAt)
{
    public static InvitationView From(Invitation i, DateTimeOffset now) => new(i.Id, i.AccountId, i.PolicyId, i.Email,
        i.EnrolLinkExpired(now) ? "expired" : i.Status.ToString().ToLowerInvariant(), i.GivenName, i.Surname, i.OrganisationUnit,
        i.KeySource is { } k ? EnrolmentPolicies.Code(k) : null, i.CreatedAt, i.EnrolExpiresAt, i.SubmittedAt, i.DecidedBy, i.DecidedAt, i.Reason,
        i.CertificateSerial, i.CollectedAt);
}

public sealed record InvitationPage(IReadOnlyList<InvitationView> Items, int Total, int Page, int PageSize);

public sealed record RejectBody(string? Reason);

public sealed record EnrolmentBody(string? GivenName, string? Surname, string? OrganisationUnit, string? KeySource, string? Csr);

public sealed record Pkcs12Body(string? Password);

public sealed record EnrolmentFormView(string Email, string Policy, string? GivenName, string? Surname, string? OrganisationUnit, IReadOnlyList<string> RequiredFields,
    IReadOnlyList<string> KeySources, IReadOnlyList<string> BrowserAlgorithms, DateTimeOffset ExpiresAt)
{
    public static EnrolmentFormView From(EnrolmentForm f) => new(f.Email, f.PolicyName, f.GivenName, f.Surname, f.OrganisationUnit, f.RequiredFields,
        f.KeySources.Select(EnrolmentPolicies.Code).ToList(), f.BrowserAlgorithms, f.ExpiresAt);
}
