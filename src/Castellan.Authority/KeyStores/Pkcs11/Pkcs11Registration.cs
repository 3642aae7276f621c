using Castellan.Authority.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Castellan.Authority.KeyStores.Pkcs11;

internal static class Pkcs11Registration
{
    /// <summary>
    /// Always registered, so keys made in the token stay usable after the default backend changes; the module is
    /// loaded only when a key is generated or opened. Configuration is checked at start when the backend is pkcs11.
    /// </summary>
    public static IServiceCollection AddPkcs11KeyStore(this IServiceCollection services)
    {
        services.AddOptions<Pkcs11KeyStoreOptions>().BindConfiguration("Castellan:KeyStore:Pkcs11").ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Pkcs11KeyStoreOptions>, Pkcs11KeyStoreOptionsValidator>());
        services.AddSingleton<Pkcs11KeyStore>();
        services.AddSingleton<ISigningKeyStore>(sp => sp.GetRequiredService<Pkcs11KeyStore>());
        return services;
    }
}
