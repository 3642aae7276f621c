using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Organizations;

/// <summary>The body of POST /accounts/{id}/organizations (seed 003 "Adding a New Organization").</summary>
public sealed record AddOrganizationRequest(
    string? LegalName, string? Country, string? State, string? Locality, string? Address, string? Phone, string? RegistrationNumber);

/// <summary>Organisation fields failed their checks; nothing was kept.</summary>
public sealed record OrganizationInvalid(IReadOnlyList<FieldError> Errors)
    : CastellanError("the organisation is invalid: " + string.Join("; ", Errors.Select(e => $"{e.Field}: {e.Detail}")));

/// <summary>
/// Organisations for OV/EV orders: an account adds them (Pending); an RA officer of the operator verifies or rejects
/// them with a reason. Every change is audited; another tenant's organisations read as not found.
/// </summary>
public sealed class OrganizationService(IOrganizationStore organizations, IAccountStore accounts, IAuditLog audit, TimeProvider clock)
{
    public async Task<Result<Organization>> AddAsync(Caller caller, string accountId, AddOrganizationRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.OrganizationsManage, accountId);
        if (account.IsError) return account.Error;
        var input = OrganizationInput.Check(r);
        if (input.IsError) return input.Error;
        var now = clock.GetUtcNow();
        var org = input.Value with { Id = Ids.New("org"), AccountId = account.Value.Id, CreatedBy = caller.Actor, CreatedAt = now, UpdatedAt = now };
        await organizations.AddAsync(org, ct);
        await AuditAsync(origin, "organization.added", org, null);
        return org;
    }

    public async Task<Result<IReadOnlyList<Organization>>> ListAsync(Caller caller, string accountId, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.OrganizationsManage, accountId);
        if (account.IsError) return account.Error;
        return (await organizations.ListAsync(account.Value.Id, ct)).ToList();
    }

    /// <summary>An RA officer (operator staff) verifies a pending organisation.</summary>
    public Task<Result<Organization>> VerifyAsync(Caller caller, string id, RequestOrigin origin, CancellationToken ct) =>
        DecideAsync(caller, id, OrganizationStatus.Verified, null, "organization.verified", origin, ct);

    /// <summary>An RA officer rejects a pending organisation with a reason.</summary>
    public async Task<Result<Organization>> RejectAsync(Caller caller, string id, string? reason, RequestOrigin origin, CancellationToken ct)
    {
        var text = reason?.Trim();
        if (string.IsNullOrEmpty(text)) return new OrganizationInvalid([new FieldError("reason", "a reason is required")]);
        if (text.Length > 1000 || text.Any(c => char.IsControl(c) && c is not '\n' and not '\r')) return new OrganizationInvalid([new FieldError("reason", "at most 1000 characters, no control characters")]);
        return await DecideAsync(caller, id, OrganizationStatus.Rejected, text, "organization.rejected", origin, ct);
    }

    /// <summary>The account's organisation an OV/EV order names, refused unless it is Verified.</summary>
    public async Task<Result<Organization>> ForOrderAsync(string accountId, string? organizationId, Products.ValidationLevel level, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(organizationId))
            return new PolicyViolation("order.organization", "this product is organisation-validated: name a verified organisation of the account in 'organizationId'");
        var org = await organizations.GetAsync(organizationId.Trim(), ct);
        if (org is null || org.AccountId != accountId) return new NotFound("organization", $"organization '{organizationId}' does not exist");
        if (org.Status != OrganizationStatus.Verified)
            return new PolicyViolation("order.organization", $"organization '{org.Id}' is {Code(org.Status)}; only a verified organisation can be named in a certificate");
        if (level == Products.ValidationLevel.Ev && org.RegistrationNumber is null)
            return new PolicyViolation("order.organization", $"organization '{org.Id}' has no registration number, which an EV certificate carries");
        return org;
    }

    public static string Code(OrganizationStatus s) => s.ToString().ToLowerInvariant();

    private async Task<Result<Organization>> DecideAsync(Caller caller, string id, OrganizationStatus to, string? reason, string action, RequestOrigin origin, CancellationToken ct)
    {
        // Vetting is the operator's: a tenant cannot verify its own organisation, whatever its role.
        if (!caller.IsOperator || !caller.Permissions.Contains(Permission.OrganizationsManage))
            return new Forbidden("only an RA officer of the operator verifies or rejects organisations");
        var org = await organizations.GetAsync(id, ct);
        if (org is null) return new NotFound("organization", $"organization '{id}' does not exist");
        if (org.Status != OrganizationStatus.Pending) return new Conflict($"organization '{id}' is already {Code(org.Status)}");
        var now = clock.GetUtcNow();
        if (!await organizations.DecideAsync(id, OrganizationStatus.Pending, to, reason, caller.Actor, now, ct))
            return new Conflict($"organization '{id}' was decided meanwhile");
        var decided = org with { Status = to, StatusReason = reason, DecidedBy = caller.Actor, UpdatedAt = now };
        await AuditAsync(origin, action, decided, OrganizationStatus.Pending);
        return decided;
    }

    private Task AuditAsync(RequestOrigin origin, string action, Organization org, OrganizationStatus? from) =>
        audit.AppendAsync(new AuditEvent(origin.Actor, action, $"organization:{org.Id}", JsonSerializer.Serialize(new
        {
            organization = org.Id, account = org.AccountId, from = from is { } f ? Code(f) : null, to = Code(org.Status), reason = org.StatusReason,
            legalName = org.LegalName, country = org.Country,
        }), origin.Address), CancellationToken.None);
}
