using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Castellan.Registration.Contracts;
using Castellan.Registration.Domains;

namespace Castellan.Registration.Groups;

/// <summary>
/// Seed 003 "Group Selection" at placement (docs/flows/orders.md step 3): the order goes through the group it names,
/// else the account's default group. The group must belong to the order's account, the placing user must have access
/// to it, and every DNS name and organisation (O) the order carries must be within the group's scope. Checked before
/// any money moves, so a refused order leaves nothing behind.
/// </summary>
public sealed class OrderGroups(IGroupStore groups, GroupService service)
{
    private const string OrganizationOid = "2.5.4.10";

    /// <summary>The group id to store on the order and pass to Billing: null for the default group (the account pays).</summary>
    public async Task<Result<string?>> ResolveAsync(Caller caller, string accountId, string? requested, IReadOnlyCollection<string> dnsNames,
        string? subject, X500DistinguishedName? csrSubject, CancellationToken ct)
    {
        var id = requested?.Trim();
        if (id is { Length: > 100 }) return new MalformedInput("'groupId' has at most 100 characters");
        Group? group;
        if (string.IsNullOrEmpty(id) || id == Group.DefaultId(accountId))
        {
            group = await service.EnsureDefaultAsync(accountId, ct);
        }
        else
        {
            group = await groups.GetAsync(id, ct);
            if (group is null || group.AccountId != accountId) return new NotFound("group", $"group '{id}' does not exist in account '{accountId}'");
        }
        if (!GroupService.MayUse(caller, group)) return new Forbidden($"this user may not order through group '{group.Name}'");
        if (group.DomainScope == GroupScope.Specific)
        {
            var outside = dnsNames.Where(n => !group.Domains.Any(d => DomainNames.IsWithin(n, d))).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (outside.Count > 0)
                return new PolicyViolation("group.domain-scope", $"group '{group.Name}' may not order for {string.Join(", ", outside)}: outside its domain scope");
        }
        if (group.OrganizationScope == GroupScope.Specific)
        {
            var named = Organizations(subject, csrSubject);
            if (named.IsError) return named.Error;
            var outside = named.Value.Where(o => !group.Organizations.Contains(o, StringComparer.OrdinalIgnoreCase)).ToList();
            if (outside.Count > 0)
                return new PolicyViolation("group.organization-scope", $"group '{group.Name}' may not order for organisation {string.Join(", ", outside)}: outside its organisation scope");
        }
        return group.IsDefault ? null : group.Id;
    }

    /// <summary>The O attributes of the order's subject and its CSR's subject.</summary>
    private static Result<List<string>> Organizations(string? subject, X500DistinguishedName? csrSubject)
    {
        var found = new List<string>();
        if (csrSubject is not null) found.AddRange(OrganizationsOf(csrSubject));
        if (!string.IsNullOrWhiteSpace(subject))
        {
            try { found.AddRange(OrganizationsOf(new X500DistinguishedName(subject))); }
            catch (CryptographicException) { return new MalformedInput("'subject' is not a distinguished name"); }
        }
        return found.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static IEnumerable<string> OrganizationsOf(X500DistinguishedName name) =>
        name.EnumerateRelativeDistinguishedNames()
            .Where(rdn => !rdn.HasMultipleElements && rdn.GetSingleElementType().Value == OrganizationOid)
            .Select(rdn => rdn.GetSingleElementValue()?.Trim() ?? "")
            .Where(v => v.Length > 0);
}
