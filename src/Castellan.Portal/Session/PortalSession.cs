using Castellan.Registration.Contracts;
using Castellan.Registration.SignIn;
using Microsoft.AspNetCore.Components.Authorization;

namespace Castellan.Portal.Session;

/// <summary>The signed-in caller of this circuit, resolved from the cookie's claims through the same rules as an API key.</summary>
public sealed class PortalSession(AuthenticationStateProvider authentication, SessionCallers callers, PasswordSignIn signIn)
{
    /// <summary>Null when not signed in, or when the login, membership or account no longer allows access.</summary>
    public async Task<Caller?> CallerAsync(CancellationToken ct = default)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        var userId = PortalClaims.Of(state.User, PortalClaims.UserId);
        var accountId = PortalClaims.Of(state.User, PortalClaims.AccountId);
        return userId is null || accountId is null ? null : await callers.ResolveAsync(userId, accountId, ct);
    }

    /// <summary>The accounts the signed-in login may switch to.</summary>
    public async Task<IReadOnlyList<AccountChoice>> AccountsAsync(CancellationToken ct = default)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        var userId = PortalClaims.Of(state.User, PortalClaims.UserId);
        return userId is null ? [] : await signIn.AccountsOfAsync(userId, ct);
    }

    /// <summary>How this session signed in (<see cref="PortalClaims.Method"/>); a cookie from before the claim existed reads as a password.</summary>
    public async Task<string> MethodAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return PortalClaims.Of(state.User, PortalClaims.Method) ?? PortalClaims.PasswordMethod;
    }

    public async Task<string?> UserIdAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return PortalClaims.Of(state.User, PortalClaims.UserId);
    }
}
