using System.Collections.Concurrent;
using Castellan.Validation.Contracts;
using Castellan.Validation.Http01;

namespace Castellan.Validation;

/// <summary>
/// First cut of the validation authority: http-01 from one perspective, evidence kept in memory. Multi-perspective
/// corroboration, the other methods, durable evidence and CAA are being built on this same interface.
/// </summary>
internal sealed class ValidationAuthority(Http01Checker http01, TimeProvider time) : IValidationAuthority
{
    private readonly ConcurrentDictionary<(string, Identifier), ValidationEvidence> _evidence = new();

    public async Task<Result<ValidationEvidence>> ValidateAsync(ValidationRequest request, CancellationToken ct)
    {
        var observed = request.Method switch
        {
            ValidationMethod.Http01 => await http01.CheckAsync(request, ct),
            _ => new MalformedInput($"validation method {request.Method} is not available yet"),
        };
        if (observed.IsError) return observed.Error;
        var now = time.GetUtcNow();
        var evidence = new ValidationEvidence(Guid.NewGuid().ToString("n"), request.Identifier, request.Method, now, now.AddDays(397),
            [new PerspectiveObservation("primary", true, observed.Value)]);
        if (request.AccountId is not null) _evidence[(request.AccountId, request.Identifier)] = evidence;
        return evidence;
    }

    public Task<ValidationEvidence?> FindReusableAsync(string accountId, Identifier identifier, CancellationToken ct) =>
        Task.FromResult(_evidence.TryGetValue((accountId, identifier), out var e) && e.ReusableUntil > time.GetUtcNow() ? e : null);

    public Task<Result<CaaDecision>> CheckCaaAsync(Identifier identifier, CancellationToken ct) =>
        Task.FromResult<Result<CaaDecision>>(new CaaDecision(identifier, true, null, []));
}
