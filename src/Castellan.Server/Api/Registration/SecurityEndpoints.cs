using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;
using Castellan.Registration.SecondFactor;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Registration;

public sealed record CodeRequest(string? Code);

/// <summary>Sign-in security over REST: the caller's own TOTP and client certificates, an account's policy, per-user networks.</summary>
internal static class SecurityEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var me = api.MapGroup("/me").WithTags("Sign-in security");
        me.MapGet("/second-factor", async (HttpContext http, TotpService totp, CancellationToken ct) =>
        {
            var caller = http.Caller();
            if (caller.UserId is null) return NoUser();
            var s = await totp.StatusAsync(caller.UserId, caller.AccountId, ct);
            return Results.Ok(new { enrolled = s.Enrolled, confirmed = s.Confirmed, recoveryCodesLeft = s.RecoveryCodesLeft, required = s.Required });
        }).RequireAnyCaller().WithSummary("The caller's second factor: enrolled, confirmed, recovery codes left, required by the account");

        me.MapPost("/second-factor", async (HttpContext http, TotpService totp, CancellationToken ct) =>
        {
            var caller = http.Caller();
            if (caller.UserId is null) return NoUser();
            var enrolment = await totp.EnrolAsync(caller.UserId, ct);
            if (enrolment.IsError) return ProblemResults.From(enrolment.Error);
            http.Response.Headers.CacheControl = "no-store"; // the secret is shown this once
            return Results.Json(new { secret = enrolment.Value.Secret, otpauthUri = enrolment.Value.OtpauthUri, qrPng = Convert.ToBase64String(enrolment.Value.QrPng) }, statusCode: 201);
        }).RequireAnyCaller().WithSummary("Start TOTP enrolment: the secret, otpauth URI and QR code (PNG, base64), shown once");

        me.MapPost("/second-factor/confirm", async (CodeRequest? body, HttpContext http, TotpService totp, CancellationToken ct) =>
        {
            var caller = http.Caller();
            if (caller.UserId is null) return NoUser();
            var codes = await totp.ConfirmAsync(caller.UserId, body?.Code, http.Origin(), ct);
            if (codes.IsError) return ProblemResults.From(codes.Error);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Ok(new { recoveryCodes = codes.Value });
        }).RequireAnyCaller().WithSummary("Confirm enrolment with the first code; returns 10 single-use recovery codes, shown once");

        me.MapPost("/second-factor/verify", async (CodeRequest? body, HttpContext http, TotpService totp, CancellationToken ct) =>
        {
            var caller = http.Caller();
            if (caller.UserId is null) return NoUser();
            var ok = await totp.VerifyAsync(caller.UserId, body?.Code ?? "", ct);
            return ok.IsError ? ProblemResults.From(ok.Error) : Results.Ok(new { valid = ok.Value });
        }).RequireAnyCaller().WithSummary("Check a TOTP or recovery code (a code is accepted once; wrong codes count towards the lockout)");

        me.MapDelete("/second-factor", async (HttpContext http, TotpService totp, CancellationToken ct) =>
        {
            var caller = http.Caller();
            if (caller.UserId is null) return NoUser();
            var code = http.Request.Headers["X-Totp-Code"].ToString();
            var done = await totp.DisableAsync(caller.UserId, code, http.Origin(), ct);
            return done.IsError ? ProblemResults.From(done.Error) : Results.NoContent();
        }).RequireAnyCaller().WithSummary("Turn the caller's second factor off; a current or recovery code in the X-Totp-Code header proves possession");

        me.MapGet("/client-certificates", async (HttpContext http, ClientCertificateSignIn certs, CancellationToken ct) =>
        {
            var list = await certs.ListOwnAsync(http.Caller(), ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(View));
        }).RequireAnyCaller().WithSummary("The caller's registered client certificates");

        api.MapPost("/accounts/{id}/client-certificates", async (string id, RegisterClientCertificateRequest? body, HttpContext http, ClientCertificateSignIn certs, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var added = await certs.RegisterAsync(http.Caller(), id, body, http.Origin(), ct);
            return added.IsError ? ProblemResults.From(added.Error) : Results.Created($"/api/v1/client-certificates/{added.Value.Id}", View(added.Value));
        }).RequirePermission(Permission.ApiUse).WithTags("Sign-in security").WithSummary("Register a client certificate (PEM) for sign-in to this account");

        api.MapDelete("/client-certificates/{certId}", async (string certId, HttpContext http, ClientCertificateSignIn certs, CancellationToken ct) =>
        {
            var removed = await certs.RemoveAsync(http.Caller(), certId, http.Origin(), ct);
            return removed.IsError ? ProblemResults.From(removed.Error) : Results.NoContent();
        }).RequireAnyCaller().WithTags("Sign-in security").WithSummary("Remove one of the caller's client certificates");

        var account = api.MapGroup("/accounts/{id}").WithTags("Sign-in security");
        account.MapGet("/security", async (string id, HttpContext http, AccountSecurityService service, CancellationToken ct) =>
        {
            var s = await service.GetAsync(http.Caller(), id, ct);
            return s.IsError ? ProblemResults.From(s.Error) : Results.Ok(View(s.Value));
        }).RequirePermission(Permission.SettingsManage).WithSummary("The account's sign-in policy: TOTP enforcement and allowed networks");

        account.MapPut("/security", async (string id, SaveAccountSecurityRequest? body, HttpContext http, AccountSecurityService service, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var s = await service.SaveAsync(http.Caller(), id, body, http.Origin(), ct);
            return s.IsError ? ProblemResults.From(s.Error) : Results.Ok(View(s.Value));
        }).RequirePermission(Permission.SettingsManage).WithSummary("Set TOTP enforcement and the allowed networks (CIDR) for all users of the account");

        account.MapGet("/users/{userId}/allowed-networks", async (string id, string userId, HttpContext http, AccountSecurityService service, CancellationToken ct) =>
        {
            var n = await service.GetUserNetworksAsync(http.Caller(), id, userId, ct);
            return n.IsError ? ProblemResults.From(n.Error) : Results.Ok(new { allowedNetworks = n.Value });
        }).RequirePermission(Permission.UsersManage).WithSummary("The networks one login may come from");

        account.MapPut("/users/{userId}/allowed-networks", async (string id, string userId, SaveUserNetworksRequest? body, HttpContext http, AccountSecurityService service, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var n = await service.SaveUserNetworksAsync(http.Caller(), id, userId, body, http.Origin(), ct);
            return n.IsError ? ProblemResults.From(n.Error) : Results.Ok(new { allowedNetworks = n.Value });
        }).RequirePermission(Permission.UsersManage).WithSummary("Set the networks (CIDR) one login may come from, in every account");

        account.MapPost("/users/{userId}/second-factor/reset", async (string id, string userId, HttpContext http, TotpService totp, CancellationToken ct) =>
        {
            var done = await totp.ResetAsync(http.Caller(), id, userId, http.Origin(), ct);
            return done.IsError ? ProblemResults.From(done.Error) : Results.Ok(new { userId, reset = true });
        }).RequirePermission(Permission.UsersManage).WithSummary("Remove a member's second factor (lost authenticator); audited");
    }

    private static IResult NoUser() =>
        ProblemResults.From(new PolicyViolation("needs-user", "this caller is an automation key without a user"));

    private static object View(ClientCertificate c) =>
        new { id = c.Id, accountId = c.AccountId, fingerprint = c.Fingerprint, subject = c.Subject, issuer = c.Issuer, serial = c.SerialHex, notBefore = c.NotBefore, notAfter = c.NotAfter };

    private static object View(AccountSecurity s) => new { accountId = s.AccountId, secondFactorRequired = s.SecondFactorRequired, allowedNetworks = s.AllowedNetworks };
}
