using Castellan.Authority.Contracts;
using Castellan.Authority.Coordination;
using Castellan.Authority.Crl;
using Castellan.Authority.Hierarchy;
using Castellan.Authority.Issuance;
using Castellan.Authority.KeyStores;
using Castellan.Authority.KeyStores.Pkcs11;
using Castellan.Authority.KeyStores.Software;
using Castellan.Authority.Linting;
using Castellan.Authority.Ocsp;
using Castellan.Authority.Profiles;
using Castellan.Authority.Revocation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Castellan.Authority;

public static class AuthorityServiceCollectionExtensions
{
    /// <summary>The CA role. Storage (ICaStore, ICertificateStore, IProfileStore, IAuditLog) is registered by Castellan.Storage.</summary>
    public static IServiceCollection AddAuthority(this IServiceCollection services, string dataDirectory)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new DataDirectory(dataDirectory));
        services.AddOptions<AuthorityOptions>().BindConfiguration("Castellan:Authority");
        services.AddOptions<KeyStoreOptions>().BindConfiguration("Castellan:KeyStore");
        services.AddOptions<SoftwareKeyStoreOptions>().BindConfiguration("Castellan:KeyStore:Software");
        services.AddSingleton<ISigningKeyStore, SoftwareKeyStore>();
        services.AddPkcs11KeyStore();
        services.AddSingleton<KeyCustody>();
        services.AddSingleton<CertificateEvents>();
        services.AddSingleton<PublicationUrlProvider>();
        services.AddSingleton<CertificateLinter>();
        services.AddSingleton<ProfileCatalog>();
        services.AddSingleton<CaDirectory>();
        services.AddSingleton<IssuancePipeline>();
        services.AddSingleton<InterruptedIssuance>();
        services.AddSingleton<IssueCertificate>();
        services.AddSingleton<CaHierarchy>();
        services.AddSingleton<CrlPublisher>();
        services.AddSingleton<RevokeCertificate>();
        services.AddSingleton<OcspResponseCache>();
        services.AddSingleton<OcspResponder>();
        services.AddSingleton<AuthorityStartup>();
        services.AddSingleton<OcspPresigningService>();
        services.AddSingleton<ChangeFeedFollower>();
        return services;
    }

    /// <summary>Change-feed follower, CRL refresh and OCSP pre-signing. Register after whatever initialises the database
    /// and the hierarchy, since hosted services start in registration order.</summary>
    public static IServiceCollection AddAuthorityBackgroundServices(this IServiceCollection services)
    {
        services.AddHostedService(sp => sp.GetRequiredService<ChangeFeedFollower>());
        services.AddHostedService(sp => sp.GetRequiredService<OcspPresigningService>());
        services.AddHostedService<CrlRefreshService>();
        services.AddHostedService<OcspResponderRenewalService>();
        return services;
    }
}
