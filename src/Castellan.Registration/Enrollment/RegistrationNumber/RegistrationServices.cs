using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Profiles;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Enrollment.RegistrationNumber;

/// <summary>
/// An account's administrator (SettingsManage) enables a product for registration-number enrolment, with its document
/// checklist and fee (docs/flows/registration-number-enrolment.md step 0). The product must issue under a profile that
/// carries an email address, since the registered address goes into the certificate (seed 002 step 1).
/// </summary>
public sealed class RegistrationServices(IRegistrationNumberStore store, IAccountStore accounts, IProductStore products, ProfileCatalog profiles,
    IAuditLog audit, TimeProvider clock)
{
    public const int MaxChecklistItems = 20;

    public async Task<Result<RegistrationService>> EnableAsync(Caller caller, string? accountId, RegistrationServiceInput input, RequestOrigin origin, CancellationToken ct)
    {
        var id = string.IsNullOrWhiteSpace(accountId) ? caller.AccountId : accountId.Trim();
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(id, ct), Permission.SettingsManage, id);
        if (account.IsError) return account.Error;
        var checkedInput = await CheckAsync(account.Value.Id, input, ct);
        if (checkedInput.IsError) return checkedInput.Error;
        var (name, product, checklist, fee, currency) = checkedInput.Value;

        var service = new RegistrationService(Ids.New("rns"), account.Value.Id, name, product, checklist, fee, currency, true, caller.Actor, clock.GetUtcNow());
        await store.AddServiceAsync(service, ct);
        await audit.AppendAsync(new AuditEvent(origin.Actor, "registration-service.enabled", $"registration-service:{service.Id}", JsonSerializer.Serialize(new
        {
            service = service.Id, account = service.AccountId, name, product = service.ProductId, checklist, fee = service.Fee, currency,
        }), origin.Address), CancellationToken.None);
        return service;
    }

    /// <summary>
    /// Changes a service's name, product, checklist, fee and currency, and whether it is offered (a disabled service
    /// leaves the public registration page; applications already made keep it). Applications already past the document
    /// check keep the checklist they were checked against in the audit trail; the desk reads the current one.
    /// </summary>
    public async Task<Result<RegistrationService>> UpdateAsync(Caller caller, string id, RegistrationServiceInput input, bool? enabled, RequestOrigin origin, CancellationToken ct)
    {
        var found = await GetAsync(caller, id, Permission.SettingsManage, ct);
        if (found.IsError) return found.Error;
        var before = found.Value;
        var checkedInput = await CheckAsync(before.AccountId, input, ct);
        if (checkedInput.IsError) return checkedInput.Error;
        var (name, product, checklist, fee, currency) = checkedInput.Value;
        var after = before with { Name = name, ProductId = product, Checklist = checklist, Fee = fee, Currency = currency, Enabled = enabled ?? before.Enabled };
        if (!await store.UpdateServiceAsync(after, ct)) return NotFound(id);
        await audit.AppendAsync(new AuditEvent(origin.Actor, "registration-service.changed", $"registration-service:{after.Id}", JsonSerializer.Serialize(new
        {
            service = after.Id, account = after.AccountId,
            before = new { before.Name, product = before.ProductId, before.Checklist, before.Fee, before.Currency, before.Enabled },
            after = new { after.Name, product = after.ProductId, after.Checklist, after.Fee, after.Currency, after.Enabled },
        }), origin.Address), CancellationToken.None);
        return after;
    }

    /// <summary>One service of an account the caller holds <paramref name="needed"/> on; another tenant's reads as not found.</summary>
    public async Task<Result<RegistrationService>> GetAsync(Caller caller, string id, Permission needed, CancellationToken ct)
    {
        var service = string.IsNullOrWhiteSpace(id) ? null : await store.GetServiceAsync(id.Trim(), ct);
        if (service is null) return NotFound(id);
        var account = await accounts.GetAsync(service.AccountId, ct);
        var permissions = account is null ? null : AccessPolicy.On(caller, account);
        if (permissions is null) return NotFound(id);
        return permissions.Contains(needed) ? service : new Forbidden($"this caller lacks the '{needed}' permission on registration service '{id}'");
    }

    /// <summary>Every field checked, errors collected by field so a form shows each beside its input.</summary>
    private async Task<Result<(string Name, string ProductId, List<string> Checklist, decimal Fee, string Currency)>> CheckAsync(string accountId, RegistrationServiceInput input, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl)) errors.Add(new FieldError("name", "give a name of 1 to 100 characters"));
        var product = string.IsNullOrWhiteSpace(input.ProductId) ? null : await products.GetAsync(input.ProductId.Trim(), ct);
        if (product is null || (product.AccountId is not null && product.AccountId != accountId))
            errors.Add(new FieldError("productId", $"product '{input.ProductId}' does not exist"));
        else
        {
            var profile = await profiles.FindAsync(product.ProfileId, ct);
            if (profile.IsError || !profile.Value.AllowedSanTypes.Contains(Castellan.Authority.Contracts.SanType.Email))
                errors.Add(new FieldError("productId", $"product '{product.Id}' issues no certificate with an email address; choose an S/MIME or client product"));
        }
        var checklist = (input.Checklist ?? []).Select(c => c?.Trim() ?? "").ToList();
        if (checklist.Count is 0 or > MaxChecklistItems || checklist.Any(c => c.Length is 0 or > 200 || c.Any(char.IsControl)) || checklist.Distinct().Count() != checklist.Count)
            errors.Add(new FieldError("checklist", $"list 1 to {MaxChecklistItems} distinct documents, each 1 to 200 characters"));
        if (input.Fee is not { } fee || fee < 0 || fee > 1_000_000 || decimal.Round(fee, 2) != fee)
            errors.Add(new FieldError("fee", "the fee is an amount from 0 to 1000000 with at most 2 decimals"));
        var currency = input.Currency?.Trim().ToUpperInvariant() ?? "";
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)) errors.Add(new FieldError("currency", "the currency is a 3-letter ISO 4217 code"));
        if (errors.Count > 0) return new RegistrationFormInvalid(errors);

        return (name, product!.Id, checklist, input.Fee!.Value, currency);
    }

    private static NotFound NotFound(string id) => new("registration service", $"registration service '{id}' does not exist");

    public async Task<Result<IReadOnlyList<RegistrationService>>> ListAsync(Caller caller, string? accountId, CancellationToken ct)
    {
        var id = string.IsNullOrWhiteSpace(accountId) ? caller.AccountId : accountId.Trim();
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(id, ct), Permission.OrdersApprove, id);
        if (account.IsError) return account.Error;
        return (await store.ListServicesAsync(account.Value.Id, ct)).ToList();
    }
}
