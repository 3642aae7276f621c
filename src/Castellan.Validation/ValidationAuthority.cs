using Castellan.Validation.Caa;
using Castellan.Validation.Contracts;
using Castellan.Validation.Dns01;
using Castellan.Validation.Email;
using Castellan.Validation.Http01;
using Castellan.Validation.Perspectives;
using Castellan.Validation.TlsAlpn01;
using Microsoft.Extensions.Options;

namespace Castellan.Validation;

/// <summary>
/// The validation authority (docs/flows/validation.md). Network methods run from the primary and every remote
/// perspective at once and pass only when the primary passes and the quorum of remote perspectives agrees (BR
/// 3.2.2.9); email methods complete when the applicant returns the emailed value. Every attempt, passed or failed, is
/// stored with each perspective's observation; reuse follows <see cref="DomainValidationReuse"/>.
/// </summary>
internal sealed class ValidationAuthority(
    PerspectiveSet perspectives,
    HttpChecker http,
    TlsAlpnChecker tlsAlpn,
    EmailValidation email,
    IValidationEvidenceStore evidence,
    IOptions<ValidationOptions> options,
    TimeProvider time) : IValidationAuthority
{
    public async Task<Result<ValidationEvidence>> ValidateAsync(ValidationRequest request, CancellationToken ct)
    {
        var id = request.Identifier;
        if (id.IsWildcard && request.Method is ValidationMethod.Http01 or ValidationMethod.HttpFile or ValidationMethod.TlsAlpn01)
            return new MalformedInput($"a wildcard cannot be validated by {request.Method}; use a DNS or email method (RFC 8555 §7.1.3, BR 3.2.2.4.19/.20)");
        // RFC 8738 §7 / BR 3.2.2.5: an address is validated at the address (http-01, tls-alpn-01 §6, the file method), never through DNS or email.
        if (id.Type == IdentifierType.Ip && request.Method is not (ValidationMethod.Http01 or ValidationMethod.HttpFile or ValidationMethod.TlsAlpn01))
            return new MalformedInput($"an IP address cannot be validated by {request.Method}");
        var started = time.GetUtcNow();

        // 1. Observe: the applicant's returned value for email methods, every perspective at once for network methods.
        List<PerspectiveObservation> observations;
        CastellanError? failure = null;
        if (request.Method is ValidationMethod.ConstructedEmail or ValidationMethod.CaaContactEmail or ValidationMethod.TxtContactEmail)
        {
            var done = await email.CompleteAsync(request, ct);
            observations = [new PerspectiveObservation("email", !done.IsError, done.IsError ? done.Error.Detail : done.Value)];
            failure = done.IsError ? done.Error : null;
        }
        else
        {
            var all = perspectives.All.ToList();
            var results = await Task.WhenAll(all.Select(p => ObserveAsync(request, p, ct)));
            observations = all.Zip(results, (p, r) => new PerspectiveObservation(p.Name, !r.IsError, r.IsError ? r.Error.Detail : r.Value)).ToList();

            // 2. Corroborate (BR 3.2.2.9): the primary must pass, and the quorum of remote perspectives must agree.
            var agreeing = observations.Skip(1).Count(o => o.Passed);
            var remotes = perspectives.Remote.Count;
            if (results[0].IsError) failure = results[0].Error;
            else if (!Corroboration.Met(true, agreeing, remotes, perspectives.Quorum))
                failure = new ValidationFailed(id, ValidationFailureKind.Unauthorized,
                    $"only {agreeing} of {remotes} remote perspectives corroborated the validation, {Corroboration.Required(remotes, perspectives.Quorum)} are required: "
                    + string.Join("; ", observations.Skip(1).Where(o => !o.Passed).Select(o => $"{o.Perspective}: {o.Observation}")));
        }

        // 3. Record, pass or fail (BR 5.4.1), then answer.
        var completed = time.GetUtcNow();
        var passed = failure is null;
        var record = new ValidationRecord("val_" + Guid.NewGuid().ToString("N"), request.AccountId, id, id.BaseName, request.Method, passed,
            failure?.Detail ?? observations[0].Observation, observations, started, completed,
            passed ? completed + DomainValidationReuse.WindowAt(completed) : null);
        await evidence.AddAsync(record, CancellationToken.None);
        return passed ? record.ToEvidence() : failure!;
    }

    public async Task<ValidationEvidence?> FindReusableAsync(string accountId, Identifier identifier, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var window = DomainValidationReuse.WindowAt(now);
        var found = await evidence.FindPassedAsync(accountId, DomainValidationReuse.CandidateNames(identifier), now - window, ct);
        var usable = found.FirstOrDefault(r => DomainValidationReuse.IsReusable(r.CompletedAt, now) && DomainValidationReuse.Covers(r.Name, r.Method, identifier));
        if (usable is null) return null;
        // The window in force now may be shorter than the one when the evidence was collected (SC-081v3).
        var until = usable.CompletedAt + window;
        return usable.ToEvidence() with { ReusableUntil = usable.ReusableUntil is { } stored && stored < until ? stored : until };
    }

    public async Task<Result<CaaDecision>> CheckCaaAsync(Identifier identifier, CaaRequester requester, CancellationToken ct)
    {
        // RFC 8738 §7: CAA has no defined meaning for IP addresses.
        if (identifier.Type == IdentifierType.Ip) return new CaaDecision(identifier, true, null, []);
        var all = perspectives.All.ToList();
        var lookups = await Task.WhenAll(all.Select(p => CaaChecker.FindRelevantAsync(p.Dns, identifier.Value, ct)));
        var identities = options.Value.CaaIdentities;

        if (lookups[0].IsError)
            return new ValidationFailed(identifier, ValidationFailureKind.Dns, $"{lookups[0].Error!.Detail}; a failed CAA lookup is not permission to issue (BR 3.2.2.8)");
        var primary = lookups[0].Value;
        var verdict = CaaPolicy.Decide(primary.Records, identifier.IsWildcard, identities, primary.RelevantDomain ?? identifier.BaseName, requester);
        if (!verdict.Permitted) return new CaaForbids(identifier, verdict.Reason);

        // BR 3.2.2.9: remote perspectives corroborate CAA too; a remote that forbids or cannot look up does not agree.
        var disagreeing = new List<string>();
        for (var i = 1; i < all.Count; i++)
        {
            if (lookups[i].IsError) { disagreeing.Add($"{all[i].Name}: {lookups[i].Error!.Detail}"); continue; }
            var remote = CaaPolicy.Decide(lookups[i].Value.Records, identifier.IsWildcard, identities, lookups[i].Value.RelevantDomain ?? identifier.BaseName, requester);
            if (!remote.Permitted) disagreeing.Add($"{all[i].Name}: {remote.Reason}");
        }
        var remotes = perspectives.Remote.Count;
        if (!Corroboration.Met(true, remotes - disagreeing.Count, remotes, perspectives.Quorum))
            return new CaaForbids(identifier, "CAA permission was not corroborated by enough network perspectives: " + string.Join("; ", disagreeing));
        return new CaaDecision(identifier, true, primary.RelevantDomain, primary.Records.Select(r => $"{primary.RelevantDomain} CAA {r}").ToList());
    }

    private Task<Result<string>> ObserveAsync(ValidationRequest request, Perspective p, CancellationToken ct) => request.Method switch
    {
        ValidationMethod.Http01 or ValidationMethod.HttpFile => http.CheckAsync(request, p, ct),
        ValidationMethod.Dns01 or ValidationMethod.DnsTxt => TxtChecker.CheckAsync(request, p, ct),
        ValidationMethod.TlsAlpn01 => tlsAlpn.CheckAsync(request, p, ct),
        _ => Task.FromResult<Result<string>>(new MalformedInput($"validation method {request.Method} is not available")),
    };
}
