using Castellan.Portal.Session;
using Castellan.Registration.Contracts;
using Castellan.Registration.Orders.Documents;
using Castellan.Registration.SignIn;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Castellan.Portal.Orders;

/// <summary>
/// An order's KYC documents as plain downloads for the approvals queue (a browser saves or shows a response, not a
/// circuit message). The session cookie identifies the caller; <see cref="OrderDocuments"/> decides and audits every read.
/// </summary>
internal static class OrderDocumentDownloads
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/portal/orders/{orderId}/documents/{documentId}", async (string orderId, string documentId, bool? inline, HttpContext http, SessionCallers callers,
            OrderDocuments documents, PortalOptions options) =>
        {
            var userId = PortalClaims.Of(http.User, PortalClaims.UserId);
            var accountId = PortalClaims.Of(http.User, PortalClaims.AccountId);
            var caller = userId is null || accountId is null ? null : await callers.ResolveAsync(userId, accountId, http.RequestAborted);
            if (caller is null) return Results.Unauthorized();
            var found = await documents.DownloadAsync(caller, orderId, documentId, new RequestOrigin(caller.Actor, options.ClientAddress(http)), http.RequestAborted);
            if (found.IsError) return Results.NotFound(found.Error.Detail);
            var (document, content) = found.Value;
            // The type was sniffed from the content at upload (PDF, PNG, JPEG), so showing it inline runs no script;
            // nosniff keeps the browser to that type.
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return inline == true
                ? Results.File(content, document.ContentType)
                : Results.File(content, document.ContentType, document.FileName);
        }).RequireAuthorization().ExcludeFromDescription();
}
