using Castellan.Billing.Contracts;
using Castellan.Registration.Contracts;
using Castellan.Registration.Groups;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Billing;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Registration;

public sealed record GroupFinanceView(string Mode, string Currency, long? SpendLimitMinor, string Period);

public sealed record GroupView(string Id, string AccountId, string Name, bool IsDefault, string UserAccess, IReadOnlyList<string> UserIds, string OrganizationScope,
    IReadOnlyList<string> Organizations, string DomainScope, IReadOnlyList<string> Domains, GroupFinanceView Finance, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static GroupView From(GroupDetails d)
    {
        var g = d.Group;
        var finance = d.Finance is { } f
            ? new GroupFinanceView(f.Mode == FinanceMode.DeductFromGroupBalance ? "group" : "account", f.Currency, f.SpendLimitMinor, f.Period.ToString().ToLowerInvariant())
            : new GroupFinanceView("account", "", null, "month");
        return new(g.Id, g.AccountId, g.Name, g.IsDefault, g.UserAccess == GroupUserAccess.AllUsers ? "all-users" : "listed-users", g.UserIds,
            g.OrganizationScope == GroupScope.All ? "all" : "specific", g.Organizations, g.DomainScope == GroupScope.All ? "all" : "specific", g.Domains, finance, g.CreatedAt, g.UpdatedAt);
    }
}

internal sealed record CreditMoveBody(long AmountMinor, string? Currency, string? Memo);

internal sealed record GroupStatementView(string GroupId, long? BalanceMinor, string? Currency, IReadOnlyList<JournalView> History);

/// <summary>Seed 003 "Groups" (docs/flows/groups.md): tenant-scoped through the RA's AccessPolicy; other tenants' groups answer 404.</summary>
internal static class GroupEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/accounts/{accountId}/groups").WithTags("Groups");
        g.MapGet("", async (string accountId, HttpContext http, GroupService groups, CancellationToken ct) =>
        {
            var list = await groups.ListAsync(http.Caller(), accountId, ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(GroupView.From));
        }).RequirePermission(Permission.DashboardView).WithSummary("The account's groups the caller may order through (all of them with GroupsManage); the default group first");

        g.MapPost("", async (string accountId, GroupRequest? body, HttpContext http, GroupService groups, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var created = await groups.CreateAsync(http.Caller(), accountId, body, http.Origin(), ct);
            return created.IsError ? ProblemResults.From(created.Error) : Results.Created($"/api/v1/accounts/{accountId}/groups/{created.Value.Group.Id}", GroupView.From(created.Value));
        }).RequirePermission(Permission.GroupsManage)
          .WithSummary("Create a group: name, userAccess (all-users, listed-users + userIds), organizationScope/domainScope (all, specific + lists), finance {mode: account|group, currency, spendLimitMinor, period}");

        g.MapGet("/{groupId}", async (string accountId, string groupId, HttpContext http, GroupService groups, CancellationToken ct) =>
        {
            var found = await groups.GetAsync(http.Caller(), accountId, groupId, ct);
            return found.IsError ? ProblemResults.From(found.Error) : Results.Ok(GroupView.From(found.Value));
        }).RequirePermission(Permission.DashboardView).WithSummary("One group the caller may use or manage");

        g.MapPatch("/{groupId}", async (string accountId, string groupId, GroupRequest? body, HttpContext http, GroupService groups, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var updated = await groups.UpdateAsync(http.Caller(), accountId, groupId, body, http.Origin(), ct);
            return updated.IsError ? ProblemResults.From(updated.Error) : Results.Ok(GroupView.From(updated.Value));
        }).RequirePermission(Permission.GroupsManage).WithSummary("Edit a group; only the fields given change (finance is pushed to Billing)");

        g.MapPost("/{groupId}/allocations", (string accountId, string groupId, CreditMoveBody? body, HttpContext http, GroupService groups, CancellationToken ct) =>
            MoveAsync(accountId, groupId, true, body, http, groups, ct)).RequirePermission(Permission.GroupCreditsAllocate)
            .WithSummary("Allocate credits from the account balance to a group that deducts from its own balance; Idempotency-Key required");

        g.MapPost("/{groupId}/deallocations", (string accountId, string groupId, CreditMoveBody? body, HttpContext http, GroupService groups, CancellationToken ct) =>
            MoveAsync(accountId, groupId, false, body, http, groups, ct)).RequirePermission(Permission.GroupCreditsAllocate)
            .WithSummary("Give a group's credits back to the account balance; Idempotency-Key required");

        g.MapGet("/{groupId}/statement", async (string accountId, string groupId, int? page, int? pageSize, HttpContext http, GroupService groups, CancellationToken ct) =>
        {
            var p = page ?? 1;
            var size = pageSize ?? 50;
            if (p < 1 || size is < 1 or > 500) return ProblemResults.BadRequest("'page' must be positive and 'pageSize' between 1 and 500");
            var statement = await groups.StatementAsync(http.Caller(), accountId, groupId, (p - 1) * size, size, ct);
            if (statement.IsError) return ProblemResults.From(statement.Error);
            var s = statement.Value;
            return Results.Ok(new GroupStatementView(s.Group.Id, s.Balance?.Minor, s.Balance?.Currency, s.History.Select(JournalView.From).ToList()));
        }).RequirePermission(Permission.FinanceView).WithSummary("The group's balance and its allocation, deallocation, order and refund history, newest first");
    }

    private static async Task<IResult> MoveAsync(string accountId, string groupId, bool allocate, CreditMoveBody? body, HttpContext http, GroupService groups, CancellationToken ct)
    {
        if (body is null) return ProblemResults.BadRequest("a JSON body is required");
        var moved = await groups.MoveCreditsAsync(http.Caller(), accountId, groupId, allocate, body.AmountMinor, body.Currency,
            http.Request.Headers["Idempotency-Key"].ToString(), body.Memo, ct);
        if (moved.IsError) return ProblemResults.From(moved.Error);
        var view = JournalView.From(moved.Value.Journal);
        return moved.Value.Replayed ? Results.Ok(view) : Results.Created($"/api/v1/accounts/{accountId}/groups/{groupId}/statement", view);
    }
}
