using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Orders.ReportingTags;

/// <summary>The body of POST /accounts/{id}/reporting-tags.</summary>
public sealed record DefineReportingTagRequest(string? Name, string? Description);

/// <summary>
/// Seed 003 "Reporting Tags": an account administrator keeps the list of tag names orders are categorised and filtered
/// by. Defining and deleting need SettingsManage; anyone who sees the account may read the list (forms suggest it).
/// </summary>
public sealed class ReportingTagService(IReportingTagStore tags, IAccountStore accounts, IAuditLog audit, TimeProvider clock)
{
    public const int MaxNameLength = 64;
    public const int MaxDescriptionLength = 500;
    public const int MaxTagsPerAccount = 200;

    public async Task<Result<ReportingTagDefinition>> DefineAsync(Caller caller, string accountId, DefineReportingTagRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.SettingsManage, accountId);
        if (account.IsError) return account.Error;
        var name = r.Name?.Trim() ?? "";
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
            return new MalformedInput($"'name' must be 1 to {MaxNameLength} printable characters") { Field = "name" };
        var description = r.Description?.Trim() ?? "";
        if (description.Length > MaxDescriptionLength || description.Any(char.IsControl))
            return new MalformedInput($"'description' takes at most {MaxDescriptionLength} printable characters") { Field = "description" };
        if ((await tags.ListAsync(accountId, ct)).Count >= MaxTagsPerAccount)
            return new PolicyViolation("reporting-tags.count", $"an account has at most {MaxTagsPerAccount} reporting tags");
        var tag = new ReportingTagDefinition(Ids.New("rtag"), accountId, name, description, clock.GetUtcNow());
        // The store's unique index on the upper-cased name decides, so two concurrent requests cannot both win.
        if (!await tags.AddAsync(tag, ct)) return new Conflict($"the account already has a reporting tag named '{name}'") { Field = "name" };
        await audit.AppendAsync(new AuditEvent(caller.Actor, "reporting-tag.defined", $"account:{accountId}",
            JsonSerializer.Serialize(new { account = accountId, tag = tag.Id, name }), origin.Address), CancellationToken.None);
        return tag;
    }

    public async Task<Result<IReadOnlyList<ReportingTagDefinition>>> ListAsync(Caller caller, string accountId, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.DashboardView, accountId);
        if (account.IsError) return account.Error;
        return (await tags.ListAsync(accountId, ct)).ToList();
    }

    /// <summary>Orders keep the tags they carry; the name is only no longer suggested.</summary>
    public async Task<Result<bool>> DeleteAsync(Caller caller, string accountId, string tagId, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.SettingsManage, accountId);
        if (account.IsError) return account.Error;
        if (!await tags.DeleteAsync(accountId, tagId, ct)) return new NotFound("reporting tag", $"reporting tag '{tagId}' does not exist");
        await audit.AppendAsync(new AuditEvent(caller.Actor, "reporting-tag.deleted", $"account:{accountId}",
            JsonSerializer.Serialize(new { account = accountId, tag = tagId }), origin.Address), CancellationToken.None);
        return true;
    }
}
