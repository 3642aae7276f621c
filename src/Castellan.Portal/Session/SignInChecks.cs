using System.Net;
using Castellan.Registration.Access;
using Castellan.Registration.SignIn;

namespace Castellan.Portal.Session;

/// <summary>
/// The RA's allowed networks (<see cref="NetworkRestrictions"/>) applied to the portal: at sign-in, when the session
/// cookie is issued, and on every page load, as the API applies them to every request. A refusal is audited by the RA.
/// </summary>
public sealed class SignInChecks(SessionCallers callers, NetworkRestrictions networks)
{
    /// <summary>Null when <paramref name="address"/> may act as this login in this account; else the RA's refusal (audited).</summary>
    public async Task<CastellanError?> AddressRefusalAsync(string userId, string accountId, string? address, string what, CancellationToken ct)
    {
        var caller = await callers.ResolveAsync(userId, accountId, ct);
        var parsed = IPAddress.TryParse(address, out var a) ? a : null;
        if (caller is not null) return await networks.CheckAsync(caller, parsed, what, ct);
        return await networks.IsAllowedAsync(userId, accountId, parsed, ct) ? null : new AddressNotAllowed("requests from this address are not allowed for this login");
    }
}
