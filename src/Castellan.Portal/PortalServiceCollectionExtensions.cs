using Castellan.Portal.Session;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;

namespace Castellan.Portal;

/// <summary>How the host tells the portal who is calling (the host knows its trusted proxies).</summary>
public sealed class PortalOptions
{
    public Func<HttpContext, string?> ClientAddress { get; set; } = http => http.Connection.RemoteIpAddress?.ToString();
}

public static class PortalServiceCollectionExtensions
{
    /// <summary>
    /// The portal's services: Blazor interactive server, MudBlazor, cookie sessions. The cookie authenticates portal
    /// pages only; /api/v1 keeps its API keys and never accepts the cookie, so no API call can be forged from a page.
    /// </summary>
    public static IServiceCollection AddPortal(this IServiceCollection services, Action<PortalOptions>? configure = null)
    {
        var options = new PortalOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddCascadingAuthenticationState();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = PortalClaims.CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/signin";
            o.LogoutPath = "/signout";
            o.AccessDeniedPath = "/signin";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
        });
        services.AddAuthorization();
        services.AddAntiforgery();
        services.AddSingleton<PendingSignIns>();
        services.AddScoped<PortalSession>();
        services.AddSingleton<SignInChecks>();
        services.AddSingleton<RegistrationNumber.ApplicantTickets>();
        services.AddScoped<RegistrationNumber.ApplicantSession>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Routing.MatcherPolicy, Track.PageOrApiSelector>());
        return services;
    }

    /// <summary>Maps the portal's pages at / and its session endpoints. Call after UseAuthentication/UseAuthorization/UseAntiforgery.</summary>
    public static IEndpointRouteBuilder MapPortal(this IEndpointRouteBuilder app)
    {
        SessionEndpoints.Map(app);
        Certificates.CertificateDownloads.Map(app);
        RegistrationNumber.ApplicantTickets.Map(app);
        Orders.OrderDocumentDownloads.Map(app);
        app.MapRazorComponents<Components.App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>The middleware the portal needs, in order.</summary>
    public static IApplicationBuilder UsePortal(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }
}
