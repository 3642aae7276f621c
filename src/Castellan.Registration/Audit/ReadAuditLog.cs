using Castellan.Auditing;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Audit;

/// <summary>
/// The audit log as a person may read it (seed 003 "Audit logs"): needs AuditView; a tenant sees only the entries
/// about its own account, operator staff see everything. The actor may be given as an email, which is looked up.
/// </summary>
public sealed class ReadAuditLog(IAuditSearch search, IUserStore users)
{
    public const int MaxPageSize = 200;

    public async Task<Result<(IReadOnlyList<AuditEntry> Items, int Total)>> SearchAsync(Caller caller, string? actor, string? action,
        DateOnly? from, DateOnly? to, int skip, int take, CancellationToken ct)
    {
        if (!caller.Permissions.Contains(Permission.AuditView)) return new Forbidden("this caller lacks the 'AuditView' permission");
        if (skip < 0 || take is < 1 or > MaxPageSize) return new MalformedInput($"a page holds 1 to {MaxPageSize} entries");
        if (from is { } f && to is { } t && t < f) return new MalformedInput("the end date is before the start date");
        if (actor is { Length: > 200 } || action is { Length: > 100 }) return new MalformedInput("the search text is too long");
        var who = actor?.Trim();
        if (who is { Length: > 0 } && who.Contains('@', StringComparison.Ordinal))
        {
            var user = await users.FindByEmailAsync(who.ToLowerInvariant(), ct);
            // An unknown email matches nothing rather than everything.
            who = user is null ? "user:unknown" : $"user:{user.Id}";
        }
        var query = new AuditQuery(who is { Length: > 0 } ? who : null, action?.Trim() is { Length: > 0 } a ? a : null,
            from is { } start ? new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            to is { } end ? new DateTimeOffset(end.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            caller.IsOperator ? null : caller.AccountId, skip, take);
        return await search.SearchAsync(query, ct);
    }
}
