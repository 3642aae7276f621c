using Castellan.Validation.Contracts;
using Castellan.Validation.Email;
using Castellan.Validation.Http01;
using Castellan.Validation.Perspectives;
using Castellan.Validation.PublicSuffix;
using Castellan.Validation.TlsAlpn01;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Castellan.Validation;

public static class ValidationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the validation authority, configured from <c>Castellan:Validation</c>. Castellan.Storage supplies the
    /// durable evidence and email-challenge stores; without it they are kept in memory.
    /// </summary>
    public static IServiceCollection AddValidation(this IServiceCollection services)
    {
        services.AddOptions<ValidationOptions>().BindConfiguration("Castellan:Validation")
            .Validate(o => o.Quorum >= 0 && o.Quorum <= o.Perspectives.Count, "Castellan:Validation:Quorum must be between 0 and the number of Perspectives")
            .Validate(o => o.Perspectives.Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() == o.Perspectives.Count, "Castellan:Validation:Perspectives need distinct names")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new PerspectiveSet(sp.GetRequiredService<IOptions<ValidationOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IHostResolver>(sp => sp.GetRequiredService<PerspectiveSet>().Primary.Dns);
        services.AddSingleton<HttpChecker>();
        services.AddSingleton<TlsAlpnChecker>();
        // One SMTP configuration: the fallback reads Castellan:Smtp; the RA replaces it with its outbox.
        services.AddOptions<DirectSmtpOptions>().BindConfiguration("Castellan:Smtp");
        services.TryAddSingleton<IValidationMailer, DirectSmtpMailer>();
        services.TryAddSingleton<InMemoryValidationStores>();
        services.TryAddSingleton<IValidationEvidenceStore>(sp => sp.GetRequiredService<InMemoryValidationStores>());
        services.TryAddSingleton<IEmailChallengeStore>(sp => sp.GetRequiredService<InMemoryValidationStores>());
        services.AddSingleton<EmailValidation>();
        services.AddSingleton<IEmailValidation>(sp => sp.GetRequiredService<EmailValidation>());
        services.AddSingleton<IValidationAuthority, ValidationAuthority>();
        services.TryAddSingleton<IRegisteredDomains, RegisteredDomains>();
        return services;
    }
}
