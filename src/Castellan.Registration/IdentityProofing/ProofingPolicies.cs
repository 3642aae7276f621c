using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Profiles;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;
using Microsoft.Extensions.Options;

namespace Castellan.Registration.IdentityProofing;

/// <summary>
/// An account's identity-proofing policies (seed 000: which certificate, which approval mode, which eKYC verifier,
/// which predefined criteria automatic approval checks). Listed with CertificatesRequest, as the applicants pick from
/// them; defined and changed with SettingsManage; another tenant's read as not found. The operator's configured
/// policies are listed beside them and cannot be changed here. Every change is audited.
/// docs/flows/identity-proofed-issuance.md step 0.
/// </summary>
public sealed class ProofingPolicies(IProofingPolicyStore store, IAccountStore accounts, IProductStore products, ProfileCatalog profiles,
    IOptions<IdentityProofingOptions> options, IAuditLog audit, TimeProvider clock)
{
    /// <summary>The verifiers an administrator may choose: the ones the operator enabled.</summary>
    public IReadOnlyList<string> Verifiers => options.Value.Verifiers;

    public async Task<Result<IReadOnlyList<ProofingPolicy>>> ListAsync(Caller caller, string? accountId, CancellationToken ct)
    {
        var account = await AuthorizeAsync(caller, accountId, Permission.CertificatesRequest, ct);
        if (account.IsError) return account.Error;
        return options.Value.EffectivePolicies().Concat(await store.ListAsync(account.Value.Id, ct)).ToList();
    }

    public async Task<Result<ProofingPolicy>> CreateAsync(Caller caller, string? accountId, ProofingPolicyInput input, RequestOrigin origin, CancellationToken ct)
    {
        var account = await AuthorizeAsync(caller, accountId, Permission.SettingsManage, ct);
        if (account.IsError) return account.Error;
        var checkedInput = await CheckAsync(account.Value.Id, input, ct);
        if (checkedInput.IsError) return checkedInput.Error;
        var now = clock.GetUtcNow();
        var policy = checkedInput.Value with { Id = Ids.New("idp"), AccountId = account.Value.Id, CreatedBy = caller.Actor, UpdatedAt = now };
        await store.AddAsync(policy, ct);
        await audit.AppendAsync(new AuditEvent(origin.Actor, "identity-policy.created", $"identity-policy:{policy.Id}", JsonSerializer.Serialize(new
        {
            policy = policy.Id, account = policy.AccountId, after = Describe(policy),
        }), origin.Address), CancellationToken.None);
        return policy;
    }

    public async Task<Result<ProofingPolicy>> UpdateAsync(Caller caller, string id, ProofingPolicyInput input, RequestOrigin origin, CancellationToken ct)
    {
        var before = string.IsNullOrWhiteSpace(id) ? null : await store.GetAsync(id.Trim(), ct);
        if (before?.AccountId is null)
        {
            // The operator's policies live in configuration: a tenant cannot change them.
            return options.Value.EffectivePolicies().Any(p => p.Id == id)
                ? new Forbidden($"policy '{id}' is the operator's (configuration) and cannot be changed here")
                : NotFound(id);
        }
        var account = await accounts.GetAsync(before.AccountId, ct);
        var permissions = account is null ? null : AccessPolicy.On(caller, account);
        if (permissions is null) return NotFound(id);
        if (!permissions.Contains(Permission.SettingsManage)) return new Forbidden($"this caller lacks the '{Permission.SettingsManage}' permission on policy '{id}'");
        var checkedInput = await CheckAsync(before.AccountId, input, ct);
        if (checkedInput.IsError) return checkedInput.Error;
        var after = checkedInput.Value with { Id = before.Id, AccountId = before.AccountId, CreatedBy = before.CreatedBy, UpdatedAt = clock.GetUtcNow() };
        if (!await store.UpdateAsync(after, ct)) return NotFound(id);
        await audit.AppendAsync(new AuditEvent(origin.Actor, "identity-policy.changed", $"identity-policy:{after.Id}", JsonSerializer.Serialize(new
        {
            policy = after.Id, account = after.AccountId, before = Describe(before), after = Describe(after),
        }), origin.Address), CancellationToken.None);
        return after;
    }

    public static string Code(ProofingApproval a) => a.ToString().ToLowerInvariant();

    private static object Describe(ProofingPolicy p) => new { p.Name, product = p.ProductId, approval = Code(p.Approval), p.Verifier, p.Criteria };

    /// <summary>Every field checked, errors collected by field.</summary>
    private async Task<Result<ProofingPolicy>> CheckAsync(string accountId, ProofingPolicyInput input, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl)) errors.Add(new FieldError("name", "give a name of 1 to 100 characters"));
        var product = string.IsNullOrWhiteSpace(input.ProductId) ? null : await products.GetAsync(input.ProductId.Trim(), ct);
        if (product is null || (product.AccountId is not null && product.AccountId != accountId))
            errors.Add(new FieldError("productId", $"product '{input.ProductId}' does not exist"));
        else if ((await profiles.FindAsync(product.ProfileId, ct)).IsError)
            errors.Add(new FieldError("productId", $"product '{product.Id}' issues under an unknown profile"));
        ProofingApproval? approval = input.Approval?.Trim().ToLowerInvariant() switch
        {
            "manual" => ProofingApproval.Manual,
            "automatic" => ProofingApproval.Automatic,
            "api" => ProofingApproval.Api,
            _ => null,
        };
        if (approval is null) errors.Add(new FieldError("approval", "choose manual, automatic or api"));
        var verifier = input.Verifier?.Trim() ?? "";
        if (!options.Value.Verifiers.Contains(verifier, StringComparer.Ordinal))
            errors.Add(new FieldError("verifier", $"choose one of the enabled verifiers: {string.Join(", ", options.Value.Verifiers)}"));
        var criteria = (input.Criteria ?? []).Select(c => c?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (criteria.FirstOrDefault(c => !ProofingPolicy.AllCriteria.Contains(c)) is { } unknown)
            errors.Add(new FieldError("criteria", $"'{unknown}' is not a criterion; choose from {string.Join(", ", ProofingPolicy.AllCriteria)}"));
        // Issuing without an officer on an identity nobody verified would make the CA vouch for a name it never checked.
        else if (!criteria.Contains(ProofingCriteria.IdentityVerified))
            errors.Add(new FieldError("criteria", $"'{ProofingCriteria.IdentityVerified}' is always required"));
        if (errors.Count > 0) return new ProofingPolicyInvalid(errors);
        // Kept in the RA's order, whatever order the form sent.
        var ordered = ProofingPolicy.AllCriteria.Where(criteria.Contains).ToList();
        return new ProofingPolicy("", name, product!.Id, approval!.Value, verifier) { Criteria = ordered };
    }

    private async Task<Result<Account>> AuthorizeAsync(Caller caller, string? accountId, Permission needed, CancellationToken ct)
    {
        var id = string.IsNullOrWhiteSpace(accountId) ? caller.AccountId : accountId.Trim();
        return AccessPolicy.Authorize(caller, await accounts.GetAsync(id, ct), needed, id);
    }

    private static NotFound NotFound(string id) => new("identity-proofing policy", $"policy '{id}' does not exist");
}
