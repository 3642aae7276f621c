using System.Security.Claims;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
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
        app.MapGet("/signin/complete", async (string? ticket, string? returnUrl, HttpContext http, PendingSignIns pending, SessionCallers callers, SignInChecks checks, PortalOptions options) =>
        {
            var address = options.ClientAddress(http);
            var redeemed = pending.Redeem(ticket, address);
            // The membership is checked again here: it may have changed in the minute since the password was verified.
            var caller = redeemed is { } r ? await callers.ResolveAsync(r.UserId, r.AccountId, http.RequestAborted) : null;
            if (redeemed is null || caller is null) return Results.Redirect("/signin?expired=1");
            // The cookie is issued here, so the allowed networks are checked here too (an account switch comes this way).
            if (await checks.AddressRefusalAsync(caller.UserId!, caller.AccountId!, address, "portal sign-in", http.RequestAborted) is not null)
                return Results.Redirect("/signin?refused=1");
            await IssueCookieAsync(http, caller, redeemed.Value.Method);
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
        }).ExcludeFromDescription();

        // Sign-in with a registered client certificate (ClientCertificateSignIn): the TLS handshake proved possession of
        // the key, on an https endpoint configured with ClientCertificateMode.AllowCertificate. The certificate is a
        // possession factor of its own, so no TOTP code is asked; the allowed networks still apply.
        app.MapGet("/signin/certificate", async (string? returnUrl, HttpContext http, ClientCertificateSignIn certificates, SignInChecks checks, PortalOptions options, IAuditLog audit) =>
        {
            var presented = http.Connection.ClientCertificate ?? (http.Request.IsHttps ? await http.Connection.GetClientCertificateAsync(http.RequestAborted) : null);
            if (presented is null) return Results.Redirect("/signin?certificate=none");
            var caller = await certificates.AuthenticateAsync(presented, http.RequestAborted);
            var address = options.ClientAddress(http);
            if (caller?.UserId is null)
            {
                await audit.AppendAsync(new AuditEvent("user:unknown", "user.sign-in-failed", "user:unknown",
                    JsonSerializer.Serialize(new { method = "client-certificate", reason = "certificate-not-accepted" }), address), http.RequestAborted);
                return Results.Redirect("/signin?certificate=refused");
            }
            if (await checks.AddressRefusalAsync(caller.UserId, caller.AccountId, address, "portal sign-in", http.RequestAborted) is not null)
                return Results.Redirect("/signin?certificate=address");
            await audit.AppendAsync(new AuditEvent($"user:{caller.UserId}", "user.signed-in", $"user:{caller.UserId}",
                JsonSerializer.Serialize(new { user = caller.UserId, method = "client-certificate", certificate = caller.KeyId }), address), http.RequestAborted);
            await IssueCookieAsync(http, caller, PortalClaims.CertificateMethod);
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
        }).ExcludeFromDescription();

        app.MapPost("/signout", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest();
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/signin");
        }).ExcludeFromDescription();
    }

    private static Task IssueCookieAsync(HttpContext http, Caller caller, string method)
    {
        var identity = new ClaimsIdentity(
            [new Claim(PortalClaims.UserId, caller.UserId!), new Claim(PortalClaims.AccountId, caller.AccountId!), new Claim(ClaimTypes.Name, caller.Name), new Claim(PortalClaims.Method, method)],
            CookieAuthenticationDefaults.AuthenticationScheme);
        return http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>Only paths on this site: "//evil.example" and "/\evil.example" are other sites to a browser.</summary>
    internal static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
