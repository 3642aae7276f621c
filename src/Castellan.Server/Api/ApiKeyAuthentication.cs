using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api;

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c> on every /api/v1 endpoint. The key is hashed and looked up; the key
/// itself is never logged. Only operator administrators exist so far; the RA's roles will refine this filter.
/// </summary>
internal sealed class ApiKeyAuthentication(ApiKeyService keys) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return ProblemResults.Problem(401, "unauthenticated", "Authentication required", "send an API key as 'Authorization: Bearer <key>'");
        }
        var caller = await keys.AuthenticateAsync(header["Bearer ".Length..].Trim(), http.RequestAborted);
        if (caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return ProblemResults.Problem(401, "unauthenticated", "Authentication failed", "the API key is unknown or revoked");
        }
        if (caller.Role != Roles.OperatorAdministrator)
            return ProblemResults.Problem(403, "forbidden", "Not allowed", "this API key's role may not use this endpoint");
        http.Items[typeof(Caller)] = caller;
        return await next(context);
    }
}

internal static class CallerExtensions
{
    public static Caller Caller(this HttpContext http) =>
        http.Items[typeof(Caller)] as Caller ?? throw new InvalidOperationException("endpoint reached without authentication");
}
