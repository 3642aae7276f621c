using Castellan.Registration.Accounts;
using Castellan.Registration.Users;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Registration;

/// <summary>Seed 003 "Sign up" and "Activate Your Account": the two endpoints that need no key.</summary>
internal static class SignUpEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/signup", async (SignUpRequest? body, HttpContext http, AccountService accounts, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var accepted = await accounts.SignUpAsync(body, http.Origin("anonymous"), ct);
            if (accepted.IsError) return ProblemResults.From(accepted.Error);
            var status = AccountService.Name(accepted.Value.Status);
            // The same answer whether or not the email was known: the next step is always in the mailbox.
            return Results.Accepted(value: new SignUpAcceptedView(status, "check your email for the next step"));
        }).AllowAnonymous().WithTags("Sign-up").WithSummary("Sign up for a retail, enterprise or partner account; the activation link is emailed");

        api.MapPost("/activate", async (ActivateBody? body, HttpContext http, UserService users, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var user = await users.ActivateAsync(body.Token, body.Password, http.Origin("anonymous"), ct);
            return user.IsError ? ProblemResults.From(user.Error) : Results.Ok(new { userId = user.Value.Id, status = "active" });
        }).AllowAnonymous().WithTags("Sign-up").WithSummary("Redeem an activation link once: set the password and activate the login and its new accounts");
    }
}
