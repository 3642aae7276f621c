using System.Security.Claims;
using Castellan.Registration.SignIn;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Castellan.Portal.Session;

/// <summary>The two plain HTTP steps of a session: turning a sign-in ticket into the cookie, and signing out.</summary>
internal static class SessionEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/signin/complete", async (string? ticket, string? returnUrl, HttpContext http, PendingSignIns pending, SessionCallers callers, PortalOptions options) =>
        {
            var redeemed = pending.Redeem(ticket, options.ClientAddress(http));
            // The membership is checked again here: it may have changed in the minute since the password was verified.
            var caller = redeemed is { } r ? await callers.ResolveAsync(r.UserId, r.AccountId, http.RequestAborted) : null;
            if (redeemed is null || caller is null) return Results.Redirect("/signin?expired=1");
            var identity = new ClaimsIdentity(
                [new Claim(PortalClaims.UserId, redeemed.Value.UserId), new Claim(PortalClaims.AccountId, redeemed.Value.AccountId), new Claim(ClaimTypes.Name, caller.Name)],
                CookieAuthenticationDefaults.AuthenticationScheme);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
        }).ExcludeFromDescription();

        app.MapPost("/signout", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest();
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/signin");
        }).ExcludeFromDescription();
    }

    /// <summary>Only paths on this site: "//evil.example" and "/\evil.example" are other sites to a browser.</summary>
    internal static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
