using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Profiles;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Enrollment;

/// <summary>
/// Enrolment policies of an account (seed 001; docs/flows/enrolment.md step 1): created, changed and removed by a
/// caller holding SettingsManage there; another tenant's policies read as not found. Every change is audited.
/// </summary>
public sealed class EnrolmentPolicies(IEnrolmentStore store, IAccountStore accounts, IProductStore products, ProfileCatalog profiles, IAuditLog audit, TimeProvider clock)
{
    public static readonly TimeSpan MaxLinkLifetime = TimeSpan.FromDays(30);

    public static string Code(EnrolmentKeySource s) => s switch
    {
        EnrolmentKeySource.Browser => "browser",
        EnrolmentKeySource.PastedCsr => "csr",
        _ => "server",
    };

    public static EnrolmentKeySource? ParseKeySource(string? code) => code?.Trim().ToLowerInvariant() switch
    {
        "browser" => EnrolmentKeySource.Browser,
        "csr" or "pasted-csr" => EnrolmentKeySource.PastedCsr,
        "server" => EnrolmentKeySource.Server,
        _ => null,
    };

    public async Task<Result<EnrolmentPolicy>> CreateAsync(Caller caller, string? accountId, EnrolmentPolicyInput input, RequestOrigin origin, CancellationToken ct)
    {
        var account = await AuthorizeAsync(caller, accountId, Permission.SettingsManage, ct);
        if (account.IsError) return account.Error;
        var now = clock.GetUtcNow();
        var checkedInput = await CheckAsync(account.Value.Id, input, ct);
        if (checkedInput.IsError) return checkedInput.Error;
        var policy = checkedInput.Value with { Id = Ids.New("enp"), AccountId = account.Value.Id, CreatedBy = caller.Actor, CreatedAt = now, UpdatedAt = now };
        await store.AddPolicyAsync(policy, ct);
        await AuditAsync(origin, "enrolment-policy.created", policy);
        return policy;
    }

    public async Task<Result<EnrolmentPolicy>> UpdateAsync(Caller caller, string id, EnrolmentPolicyInput input, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, Permission.SettingsManage, ct);
        if (found.IsError) return found.Error;
        var checkedInput = await CheckAsync(found.Value.AccountId, input, ct);
        if (checkedInput.IsError) return checkedInput.Error;
        var policy = checkedInput.Value with { Id = id, AccountId = found.Value.AccountId, CreatedBy = found.Value.CreatedBy, CreatedAt = found.Value.CreatedAt, UpdatedAt = clock.GetUtcNow() };
        if (!await store.UpdatePolicyAsync(policy, ct)) return NotFound(id);
        await AuditAsync(origin, "enrolment-policy.updated", policy);
        return policy;
    }

    public async Task<Result<EnrolmentPolicy>> DeleteAsync(Caller caller, string id, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, Permission.SettingsManage, ct);
        if (found.IsError) return found.Error;
        if (!await store.DeletePolicyAsync(id, ct)) return new Conflict($"policy '{id}' has invitations and stays; change it instead");
        await AuditAsync(origin, "enrolment-policy.deleted", found.Value);
        return found.Value;
    }

    public async Task<Result<EnrolmentPolicy[]>> ListAsync(Caller caller, string? accountId, CancellationToken ct)
    {
        var account = await AuthorizeAsync(caller, accountId, Permission.UsersInvite, ct);
        if (account.IsError) return account.Error;
        return (await store.ListPoliciesAsync(account.Value.Id, ct)).ToArray();
    }

    /// <summary>The policy when the caller holds <paramref name="needed"/> on its account; another tenant's reads as not found.</summary>
    public async Task<Result<EnrolmentPolicy>> GetAsync(Caller caller, string id, Permission needed, CancellationToken ct)
    {
        var policy = await store.GetPolicyAsync(id, ct);
        if (policy is null) return NotFound(id);
        var account = await accounts.GetAsync(policy.AccountId, ct);
        var permissions = account is null ? null : AccessPolicy.On(caller, account);
        if (permissions is null) return NotFound(id);
        return permissions.Contains(needed) ? policy : new Forbidden($"this caller lacks the '{needed}' permission on policy '{id}'");
    }

    private async Task<Result<EnrolmentPolicy>> CheckAsync(string accountId, EnrolmentPolicyInput input, CancellationToken ct)
    {
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100) return new MalformedInput("'name' is required, at most 100 characters");
        var product = string.IsNullOrWhiteSpace(input.ProductId) ? null : await products.GetAsync(input.ProductId.Trim(), ct);
        if (product is null || (product.AccountId is not null && product.AccountId != accountId))
            return new MalformedInput($"'productId': product '{input.ProductId}' does not exist");
        var profile = await profiles.FindAsync(product.ProfileId, ct);
        if (profile.IsError) return profile.Error;
        if (!profile.Value.AllowedSanTypes.Contains(Castellan.Authority.Contracts.SanType.Email))
            return new PolicyViolation("enrolment.profile", $"product '{product.Id}' issues under profile '{product.ProfileId}', which carries no email address; choose an S/MIME or client product");

        var fields = new List<string>();
        foreach (var f in input.RequiredFields ?? [])
        {
            var known = EnrolmentFields.All.FirstOrDefault(k => string.Equals(k, f?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (known is null) return new MalformedInput($"'requiredFields': '{f}' is not a form field; use {string.Join(", ", EnrolmentFields.All)}");
            if (!fields.Contains(known)) fields.Add(known);
        }
        var sources = new List<EnrolmentKeySource>();
        foreach (var s in input.KeySources is { Count: > 0 } given ? given : ["browser", "csr"])
        {
            if (ParseKeySource(s) is not { } source) return new MalformedInput($"'keySources': '{s}' is not a key source; use browser, csr or server");
            if (!sources.Contains(source)) sources.Add(source);
        }
        if (sources.Contains(EnrolmentKeySource.Server) && !profile.Value.AllowServerKeyGeneration)
            return new PolicyViolation("profile.key-generation", $"profile '{profile.Value.Id}' does not allow server-side key generation");
        var approval = input.Approval?.Trim().ToLowerInvariant() switch
        {
            null or "" or "manual" => (EnrolmentApproval?)EnrolmentApproval.Manual,
            "automatic" => EnrolmentApproval.Automatic,
            _ => null,
        };
        if (approval is null) return new MalformedInput("'approval' must be manual or automatic");
        var lifetime = TimeSpan.FromHours(input.LinkLifetimeHours ?? 72);
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLinkLifetime) return new MalformedInput($"'linkLifetimeHours' must be 1 to {(int)MaxLinkLifetime.TotalHours}");
        return new EnrolmentPolicy("", accountId, name, product.Id, fields, sources, approval.Value, lifetime, "", default, default);
    }

    private async Task<Result<Account>> AuthorizeAsync(Caller caller, string? accountId, Permission needed, CancellationToken ct)
    {
        var id = string.IsNullOrWhiteSpace(accountId) ? caller.AccountId : accountId.Trim();
        return AccessPolicy.Authorize(caller, await accounts.GetAsync(id, ct), needed, id);
    }

    private static NotFound NotFound(string id) => new("enrolment policy", $"enrolment policy '{id}' does not exist");

    private Task AuditAsync(RequestOrigin origin, string action, EnrolmentPolicy p) =>
        audit.AppendAsync(new AuditEvent(origin.Actor, action, $"enrolment-policy:{p.Id}", JsonSerializer.Serialize(new
        {
            policy = p.Id, account = p.AccountId, name = p.Name, product = p.ProductId, requiredFields = p.RequiredFields,
            keySources = p.KeySources.Select(Code), approval = p.Approval.ToString().ToLowerInvariant(), linkLifetimeHours = p.LinkLifetime.TotalHours,
        }), origin.Address), CancellationToken.None);
}
