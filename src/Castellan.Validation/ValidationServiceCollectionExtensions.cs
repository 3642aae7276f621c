using Castellan.Validation.Contracts;
using Castellan.Validation.Http01;
using Castellan.Validation.Perspectives;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Castellan.Validation;

public static class ValidationServiceCollectionExtensions
{
    /// <summary>Registers the validation authority, configured from <c>Castellan:Validation</c>.</summary>
    public static IServiceCollection AddValidation(this IServiceCollection services)
    {
        services.AddOptions<ValidationOptions>().BindConfiguration("Castellan:Validation");
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IHostResolver, SystemHostResolver>();
        services.AddSingleton<Http01Checker>();
        services.AddSingleton<IValidationAuthority, ValidationAuthority>();
        return services;
    }
}
