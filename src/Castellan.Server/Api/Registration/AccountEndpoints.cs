using Castellan.Registration.Accounts;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Registration;

internal static class AccountEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/accounts").WithTags("Accounts");
        g.MapGet("", async (int? page, int? pageSize, HttpContext http, AccountService accounts, CancellationToken ct) =>
        {
            var p = page ?? 1;
            var size = pageSize ?? 50;
            if (p < 1 || size is < 1 or > 500) return ProblemResults.BadRequest("'page' must be positive and 'pageSize' between 1 and 500");
            return Results.Ok((await accounts.ListAsync(http.Caller(), (p - 1) * size, size, ct)).Select(AccountView.From));
        }).RequirePermission(Permission.DashboardView).WithSummary("Accounts the caller sees: all for operator staff, own and sub-accounts for tenants");

        g.MapPost("", async (CreateAccountRequest? body, HttpContext http, AccountService accounts, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var created = await accounts.CreateAsync(http.Caller(), body, http.Origin(), ct);
            return created.IsError ? ProblemResults.From(created.Error) : Results.Created($"/api/v1/accounts/{created.Value.Id}", AccountView.From(created.Value));
        }).RequirePermission(Permission.SubAccountsManage).WithSummary("Create an account (operator) or an enterprise sub-account (partner); its administrator is invited by email");

        g.MapGet("/{id}", async (string id, HttpContext http, AccountService accounts, CancellationToken ct) =>
        {
            var account = await accounts.GetAsync(http.Caller(), id, ct);
            return account.IsError ? ProblemResults.From(account.Error) : Results.Ok(AccountView.From(account.Value));
        }).RequirePermission(Permission.DashboardView).WithSummary("One account, if the caller sees it");

        g.MapPost("/{id}/approve", async (string id, HttpContext http, AccountService accounts, CancellationToken ct) =>
        {
            var approved = await accounts.ApproveAsync(http.Caller(), id, http.Origin(), ct);
            return approved.IsError ? ProblemResults.From(approved.Error) : Results.Ok(AccountView.From(approved.Value));
        }).RequireOperator(OperatorRoles.Administrator, OperatorRoles.RaOfficer).WithSummary("Approve a partner sign-up; the activation link is emailed");
    }
}
