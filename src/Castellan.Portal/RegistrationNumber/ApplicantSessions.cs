using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Castellan.Portal.Session;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Castellan.Portal.RegistrationNumber;

/// <summary>
/// Hands an applicant sign-in verified inside the interactive page to the one plain HTTP request that sets the
/// cookie, as <see cref="PendingSignIns"/> does for users: 256 random bits, once, for one minute, from the same address.
/// </summary>
public sealed class ApplicantTickets(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, (string ApplicationId, string? Address, DateTimeOffset ExpiresAt)> _pending = new(StringComparer.Ordinal);

    public string Issue(string applicationId, string? address)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, p) in _pending)
        {
            if (p.ExpiresAt <= now) _pending.TryRemove(key, out _);
        }
        var ticket = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _pending[ticket] = (applicationId, address, now + PendingSignIns.Lifetime);
        return ticket;
    }

    public string? Redeem(string? ticket, string? address)
    {
        if (string.IsNullOrEmpty(ticket) || !_pending.TryRemove(ticket, out var p)) return null;
        return p.ExpiresAt > clock.GetUtcNow() && p.Address == address ? p.ApplicationId : null;
    }

    /// <summary>
    /// The applicant's cookie is the portal's session cookie carrying only the application id (no user, no account), so
    /// staff pages treat it as no session and the applicant pages read nothing but their own application.
    /// </summary>
    internal static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/applicant/session", async (string? ticket, HttpContext http, ApplicantTickets tickets, PortalOptions options) =>
        {
            var applicationId = tickets.Redeem(ticket, options.ClientAddress(http));
            if (applicationId is null) return Results.Redirect("/applicant/signin?expired=1");
            var identity = new ClaimsIdentity([new Claim(PortalClaims.ApplicantId, applicationId)], CookieAuthenticationDefaults.AuthenticationScheme);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            return Results.LocalRedirect("/applicant");
        }).ExcludeFromDescription();
}

/// <summary>The signed-in applicant of this circuit: their application id, or null.</summary>
public sealed class ApplicantSession(AuthenticationStateProvider authentication)
{
    public async Task<string?> ApplicationIdAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return PortalClaims.Of(state.User, PortalClaims.ApplicantId);
    }
}
