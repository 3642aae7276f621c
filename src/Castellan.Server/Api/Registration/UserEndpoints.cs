using Castellan.Registration.Roles;
using Castellan.Registration.Users;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Registration;

internal static class UserEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var members = api.MapGroup("/accounts/{id}/users").WithTags("Users");
        members.MapGet("", async (string id, HttpContext http, UserService users, CancellationToken ct) =>
        {
            var list = await users.ListAsync(http.Caller(), id, ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(MemberView.From));
        }).RequirePermission(Permission.UsersManage).WithSummary("Members of an account and their roles");

        members.MapPost("", async (string id, InviteUserRequest? body, HttpContext http, UserService users, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var invited = await users.InviteAsync(http.Caller(), id, body, http.Origin(), ct);
            return invited.IsError ? ProblemResults.From(invited.Error) : Results.Created($"/api/v1/accounts/{id}/users/{invited.Value.User.Id}", MemberView.From(invited.Value));
        }).RequirePermission(Permission.UsersInvite).WithSummary("Invite a user with a role; a new login gets an activation link by email");

        members.MapPatch("/{userId}", async (string id, string userId, EditUserRequest? body, HttpContext http, UserService users, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var edited = await users.EditAsync(http.Caller(), id, userId, body, http.Origin(), ct);
            return edited.IsError ? ProblemResults.From(edited.Error) : Results.Ok(MemberView.From(edited.Value));
        }).RequirePermission(Permission.UsersManage).WithSummary("Edit a member's name, mobile or role");

        api.MapPost("/users/{id}/deactivate", async (string id, HttpContext http, UserService users, CancellationToken ct) =>
        {
            var user = await users.DeactivateAsync(http.Caller(), id, http.Origin(), ct);
            return user.IsError ? ProblemResults.From(user.Error) : Results.Ok(new { userId = id, deactivated = true });
        }).RequirePermission(Permission.UsersManage).WithTags("Users")
          .WithSummary("Deactivate a user: everywhere (operator staff) or in the caller's accounts (tenants); their API keys stop working at once");

        var roles = api.MapGroup("/accounts/{id}/roles").WithTags("Roles");
        roles.MapGet("", async (string id, HttpContext http, CustomRoleService service, CancellationToken ct) =>
        {
            var list = await service.ListAsync(http.Caller(), id, ct);
            return list.IsError ? ProblemResults.From(list.Error) : Results.Ok(list.Value.Select(RoleView.From));
        }).RequirePermission(Permission.UsersManage).WithSummary("Roles a member of the account can hold: built-in and custom");

        roles.MapPost("", async (string id, CreateRoleRequest? body, HttpContext http, CustomRoleService service, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var role = await service.CreateAsync(http.Caller(), id, body, http.Origin(), ct);
            return role.IsError ? ProblemResults.From(role.Error) : Results.Created($"/api/v1/accounts/{id}/roles/{role.Value.Id}", RoleView.From(role.Value));
        }).RequirePermission(Permission.SettingsManage).WithSummary("Create a custom role from permissions the caller holds");

        roles.MapPatch("/{roleId}", async (string id, string roleId, CreateRoleRequest? body, HttpContext http, CustomRoleService service, CancellationToken ct) =>
        {
            if (body is null) return ProblemResults.BadRequest("a JSON body is required");
            var role = await service.UpdateAsync(http.Caller(), id, roleId, body, http.Origin(), ct);
            return role.IsError ? ProblemResults.From(role.Error) : Results.Ok(RoleView.From(role.Value));
        }).RequirePermission(Permission.SettingsManage).WithSummary("Rename a custom role or replace its permissions (name and permissions both required)");
    }
}
