using Castellan.Registration.Contracts;
using Castellan.Registration.IdentityProofing.Verifiers;
using Microsoft.Extensions.DependencyInjection;

namespace Castellan.Registration.IdentityProofing;

public static class IdentityProofingServiceCollectionExtensions
{
    /// <summary>
    /// Identity-proofed issuance (seed 000). Verifiers are keyed by name; another eKYC service is added with one more
    /// <c>AddKeyedSingleton&lt;IIdentityVerifier, T&gt;(name)</c> and its name in <c>Castellan:IdentityProofing:Verifiers</c>.
    /// The store is registered by Castellan.Storage.
    /// </summary>
    public static IServiceCollection AddIdentityProofing(this IServiceCollection services)
    {
        services.AddOptions<IdentityProofingOptions>().BindConfiguration("Castellan:IdentityProofing")
            .Validate(o => o.IsValid(), "every identity-proofing policy needs an id, a product and an enabled verifier").ValidateOnStart();
        services.AddKeyedSingleton<IIdentityVerifier, DocumentUploadVerifier>(IdentityProofingOptions.DocumentUploadVerifierName);
        services.AddKeyedSingleton<IIdentityVerifier, AttestedVerifier>(IdentityProofingOptions.AttestedVerifierName);
        services.AddSingleton<ProofedIssuance>();
        services.AddSingleton<ProofingPolicies>();
        services.AddSingleton<ApplyForCertificate>();
        services.AddSingleton<ReviewApplications>();
        services.AddSingleton<DecideInRealTime>();
        return services;
    }
}
