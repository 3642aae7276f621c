using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Castellan.Protocols.Acme;

/// <summary>The ACME server (RFC 8555): registered by the host, mapped under /acme.</summary>
public static class AcmeServiceCollectionExtensions
{
    public static IServiceCollection AddAcme(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapAcme(this IEndpointRouteBuilder endpoints) => endpoints;
}
