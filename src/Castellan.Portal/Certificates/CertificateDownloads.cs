using Castellan.Portal.Session;
using Castellan.Registration.Certificates;
using Castellan.Registration.SignIn;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Castellan.Portal.Certificates;

/// <summary>
/// Certificate files as plain downloads (a browser saves a response, not a circuit message). The session cookie
/// identifies the caller and the RA decides what it may see, exactly as for the certificate page; a GET changes nothing.
/// </summary>
internal static class CertificateDownloads
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/portal/certificates/{serial}/download", async (string serial, string? format, HttpContext http, SessionCallers callers, AccountCertificates certificates) =>
        {
            var userId = PortalClaims.Of(http.User, PortalClaims.UserId);
            var accountId = PortalClaims.Of(http.User, PortalClaims.AccountId);
            var caller = userId is null || accountId is null ? null : await callers.ResolveAsync(userId, accountId, http.RequestAborted);
            if (caller is null) return Results.Unauthorized();
            var file = await certificates.DownloadAsync(caller, serial, format, http.RequestAborted);
            if (file.IsError) return file.Error is MalformedInput ? Results.BadRequest(file.Error.Detail) : Results.NotFound(file.Error.Detail);
            return Results.File(file.Value.Content, file.Value.ContentType, file.Value.FileName);
        }).RequireAuthorization().ExcludeFromDescription();
}
