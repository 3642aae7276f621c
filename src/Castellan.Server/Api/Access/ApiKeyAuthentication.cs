using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Server.Api.Problems;
using Microsoft.AspNetCore.Authorization;

namespace Castellan.Server.Api;

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c> on every /api/v1 endpoint, then the endpoint's declared access:
/// <see cref="EndpointAccess.RequirePermission{TBuilder}"/> (a permission in the caller's role),
/// <see cref="EndpointAccess.RequireOperator{TBuilder}"/> (named operator roles), or, when an endpoint declares
/// nothing, operator administrators only, so a new endpoint is closed until its author opens it. Account-scoped
/// checks (which tenant) follow in the RA itself. The key is hashed and looked up; it is never logged.
/// </summary>
/// <remarks>
/// Without an Authorization header, a TLS client certificate registered by a user (<see cref="ClientCertificateSignIn"/>)
/// signs in instead, when Kestrel asks for client certificates. Every authenticated caller is then held to its
/// account's and login's allowed networks (<see cref="NetworkRestrictions"/>): 403 and an audit entry when outside.
/// </remarks>
internal sealed class ApiKeyAuthentication(ApiKeyService keys, ClientCertificateSignIn certificates, NetworkRestrictions networks,
    Castellan.Server.Api.Network.ClientAddress addresses) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var metadata = http.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<IAllowAnonymous>() is not null) return await next(context);
        var header = http.Request.Headers.Authorization.ToString();
        Caller? caller;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            caller = await keys.AuthenticateAsync(header["Bearer ".Length..].Trim(), http.RequestAborted);
            if (caller is null)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                return ProblemResults.Problem(401, "unauthenticated", "Authentication failed", "the API key is unknown or revoked");
            }
        }
        else if (header.Length == 0 && http.Connection.ClientCertificate is { } presented)
        {
            caller = await certificates.AuthenticateAsync(presented, http.RequestAborted);
            if (caller is null)
                return ProblemResults.Problem(401, "unauthenticated", "Authentication failed", "the client certificate is not registered, not current, or revoked");
        }
        else
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return ProblemResults.Problem(401, "unauthenticated", "Authentication required", "send an API key as 'Authorization: Bearer <key>' or a registered client certificate");
        }
        if (Refusal(caller, metadata) is { } refused) return ProblemResults.Problem(403, "forbidden", "Not allowed", refused);
        var address = System.Net.IPAddress.TryParse(addresses.Of(http), out var parsed) ? parsed : null;
        if (await networks.CheckAsync(caller, address, $"{http.Request.Method} {http.Request.Path}", http.RequestAborted) is { } outside)
            return ProblemResults.From(outside);
        http.Items[typeof(Caller)] = caller;
        return await next(context);
    }

    /// <summary>Why the caller may not use this endpoint at all, or null.</summary>
    internal static string? Refusal(Caller caller, EndpointMetadataCollection? metadata)
    {
        var permission = metadata?.GetMetadata<RequiredPermission>();
        var operatorOnly = metadata?.GetMetadata<RequiredOperatorRole>();
        if (metadata?.GetMetadata<AnyCaller>() is not null && permission is null && operatorOnly is null) return null;
        if (caller.SecondFactorPending)
            return "this account requires two-factor authentication: enrol a TOTP factor (POST /api/v1/me/second-factor, then /confirm) before using this key elsewhere";
        if (operatorOnly is not null && !(caller.IsOperator && operatorOnly.Roles.Contains(caller.Role)))
            return $"this endpoint is for operator staff ({string.Join(", ", operatorOnly.Roles)})";
        if (permission is not null && !caller.Permissions.Contains(permission.Permission))
            return $"this caller's role lacks the '{permission.Permission}' permission";
        if (permission is null && operatorOnly is null && !(caller.IsOperator && caller.Role == Roles.OperatorAdministrator))
            return "this endpoint is for operator administrators";
        return null;
    }
}

internal static class CallerExtensions
{
    public static Caller Caller(this HttpContext http) =>
        http.Items[typeof(Caller)] as Caller ?? throw new InvalidOperationException("endpoint reached without authentication");
}
