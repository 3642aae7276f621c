using Castellan.Registration.Contracts;
using Castellan.Registration.Domains;

namespace Castellan.Server.Api.Domains;

internal sealed record AddDomainBody(string? AccountId, string? Name, string? Method);

internal sealed record MethodBody(string? Method);

internal sealed record VerifyBody(string? Value);

internal sealed record RestrictionBody(string? AccountId, string? Name);

internal sealed record DomainView(
    string Id, string AccountId, string Name, string Method, string Status, DateTimeOffset CreatedAt, DateTimeOffset? VerifiedAt,
    DateTimeOffset? ExpiresAt, string? EvidenceId, string? StatusReason, DomainChallenge? Challenge)
{
    public static DomainView From(Domain d, DateTimeOffset now) => new(d.Id, d.AccountId, d.Name, DomainService.Code(d.Method), DomainService.Code(d.StatusAt(now)),
        d.CreatedAt, d.VerifiedAt, d.ExpiresAt, d.EvidenceId, d.StatusReason, DomainService.ChallengeOf(d));
}

internal sealed record RestrictionView(string AccountId, string Name, string CreatedBy, DateTimeOffset CreatedAt)
{
    public static RestrictionView From(RestrictedDomain r) => new(r.AccountId, r.Name, r.CreatedBy, r.CreatedAt);
}
