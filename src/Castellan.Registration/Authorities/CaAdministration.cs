using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Authorities;

/// <summary>One CA as the operator's CA screen shows it: the record, its certificate's validity, its newest CRL and its OCSP responder.</summary>
public sealed record CaSummary(
    CertificateAuthorityRecord Record,
    DateTimeOffset? NotBefore,
    DateTimeOffset? NotAfter,
    long? CrlNumber,
    DateTimeOffset? CrlThisUpdate,
    DateTimeOffset? CrlNextUpdate,
    DateTimeOffset? OcspResponderNotAfter);

/// <summary>What an operator administrator gives to create an intermediate CA under an existing one.</summary>
public sealed record CreateIntermediateRequest(string? Id, string? Subject, string? ParentId, KeyAlgorithm KeyAlgorithm, int ValidityDays, int? PathLength);

/// <summary>
/// The CA hierarchy for people: operator staff read it; only an operator administrator creates a CA (as the REST
/// API's /cas endpoints allow only operator administrators). The CA itself checks and audits the creation.
/// </summary>
public sealed class CaAdministration(CaDirectory directory, ICaStore store, CaHierarchy hierarchy)
{
    public async Task<Result<IReadOnlyList<CaSummary>>> ListAsync(Caller caller, CancellationToken ct)
    {
        if (!caller.IsOperator) return new Forbidden("the CA hierarchy is for operator staff");
        var list = new List<CaSummary>();
        foreach (var ca in (await directory.AllAsync(ct)).OrderBy(c => c.Record.CreatedAt))
        {
            var crl = ca.Record.CertificateDer is null ? null : await store.GetLatestCrlAsync(ca.Id, 0, ct);
            list.Add(new CaSummary(ca.Record,
                ca.Certificate is { } c ? new DateTimeOffset(c.NotBefore.ToUniversalTime(), TimeSpan.Zero) : null,
                ca.Certificate is { } d ? new DateTimeOffset(d.NotAfter.ToUniversalTime(), TimeSpan.Zero) : ca.Record.NotAfter,
                crl?.Number, crl?.ThisUpdate, crl?.NextUpdate,
                ca.OcspResponder is { } r ? new DateTimeOffset(r.NotAfter.ToUniversalTime(), TimeSpan.Zero) : null));
        }
        return list;
    }

    public async Task<Result<CertificateAuthorityRecord>> CreateIntermediateAsync(Caller caller, CreateIntermediateRequest r, CancellationToken ct)
    {
        if (!(caller.IsOperator && caller.Role == Contracts.Roles.OperatorAdministrator))
            return new Forbidden("only an operator administrator creates CAs");
        if (string.IsNullOrWhiteSpace(r.ParentId)) return new MalformedInput("choose the parent CA");
        if (string.IsNullOrWhiteSpace(r.Id)) return new MalformedInput("'id' is required");
        if (string.IsNullOrWhiteSpace(r.Subject)) return new MalformedInput("'subject' is required");
        return await hierarchy.CreateAsync(new CreateCaRequest
        {
            Id = r.Id.Trim(), Subject = r.Subject.Trim(), ParentId = r.ParentId.Trim(), KeyAlgorithm = r.KeyAlgorithm,
            ValidityDays = r.ValidityDays, PathLength = r.PathLength, Actor = caller.Actor,
        }, ct);
    }
}
