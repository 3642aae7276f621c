using System.Text.Json;
using Castellan.Registration.Contracts;

namespace Castellan.Registration.IdentityProofing.Verifiers;

/// <summary>
/// An external eKYC service's result, delivered by a system holding one of the tenant's API keys (with OrdersApprove):
/// either as a callback for an application made in the portal, or inside an API-driven application. The claims are
/// result (verified | rejected), verifiedName, provider, reference, and optionally reason and emailConfirmed. The RA
/// trusts the key, not the payload: a result without a provider, reference or verified name is refused as evidence.
/// </summary>
public sealed class AttestedVerifier : IIdentityVerifier
{
    public string Name => IdentityProofingOptions.AttestedVerifierName;

    public Task<string> StartAsync(IdentityApplication application, CancellationToken ct) =>
        Task.FromResult("Complete the identity check with our eKYC provider; this page updates when its result arrives.");

    public Task<Result<VerificationResult>> ReceiveEvidenceAsync(IdentityApplication application, IdentityEvidence evidence, CancellationToken ct)
    {
        string? Claim(string name) => evidence.Claims.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        var errors = new List<FieldError>();
        var result = Claim("result")?.ToLowerInvariant();
        if (result is not ("verified" or "rejected")) errors.Add(new FieldError("evidence.result", "say 'verified' or 'rejected'"));
        var provider = Claim("provider");
        var reference = Claim("reference");
        if (provider is null || provider.Length > 100) errors.Add(new FieldError("evidence.provider", "name the eKYC provider (at most 100 characters)"));
        if (reference is null || reference.Length > 200) errors.Add(new FieldError("evidence.reference", "give the provider's reference for this check (at most 200 characters)"));
        var name = Claim("verifiedName");
        if (result == "verified" && (name is null || name.Length > 64 || name.Any(char.IsControl)))
            errors.Add(new FieldError("evidence.verifiedName", "a verified result names the verified person (at most 64 characters)"));
        if (errors.Count > 0) return Task.FromResult<Result<VerificationResult>>(new ApplicationInvalid(errors));
        var reason = Claim("reason");
        var json = JsonSerializer.Serialize(new { verifier = Name, provider, reference, result, verifiedName = name, reason });
        return Task.FromResult<Result<VerificationResult>>(result == "verified"
            ? new VerificationResult(VerificationOutcome.Verified, name, null, json)
            : new VerificationResult(VerificationOutcome.Rejected, null, reason ?? $"the identity check at {provider} failed", json));
    }
}
