using Castellan.Protocols.Acme.Challenges;
using Castellan.Protocols.Acme.Directory;
using Castellan.Protocols.Acme.Eab;
using Castellan.Protocols.Acme.Endpoints;
using Castellan.Protocols.Acme.Messages;
using Castellan.Protocols.Acme.Nonces;
using Castellan.Protocols.Acme.RateLimits;
using Castellan.Protocols.Acme.RenewalInfo;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Castellan.Protocols.Acme;

/// <summary>The ACME server (RFC 8555): registered by the host, mapped under /acme. Its store is registered by Castellan.Storage.</summary>
public static class AcmeServiceCollectionExtensions
{
    public static IServiceCollection AddAcme(this IServiceCollection services)
    {
        services.AddOptions<AcmeOptions>().BindConfiguration("Castellan:Acme");
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AcmeDirectories>();
        services.AddSingleton<AcmeUrls>();
        services.AddSingleton(sp => new AcmeDirectoryLinks(sp.GetRequiredService<AcmeDirectories>(), sp.GetRequiredService<AcmeUrls>()));
        services.AddSingleton<NonceStore>();
        services.AddSingleton<AccountCache>();
        services.AddSingleton<AcmeRequestReader>();
        services.AddSingleton<AcmeRateLimiter>();
        services.AddSingleton<ChallengeRunner>();
        services.AddSingleton<ExternalAccountBinding>();
        services.AddSingleton<ReplaceIssuingCa>();
        services.AddSingleton<AcmeServices>();
        services.AddHostedService<Expiry.ExpirySweep>();
        return services;
    }

    public static IEndpointRouteBuilder MapAcme(this IEndpointRouteBuilder endpoints)
    {
        AcmeEndpoints.Map(endpoints);
        return endpoints;
    }
}
