using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Orders.CustomFields;

/// <summary>The body of POST /accounts/{id}/custom-fields.</summary>
public sealed record DefineCustomFieldRequest(
    string? Name,
    string? Label,
    string? Type,
    bool Mandatory,
    int? MaxLength,
    IReadOnlyList<string>? AllowedCharacters,
    string? ExtraCharacters,
    IReadOnlyList<string>? Options);

/// <summary>
/// Seed 003 "Custom fields": an account defines the fields its orders carry (text, dropdown, date, checkbox, email;
/// optional or mandatory; a maximum length; allowed characters as classes). Defining needs SettingsManage; anyone who
/// may order in the account may read them (the order form needs them).
/// </summary>
public sealed class CustomFieldService(ICustomFieldStore fields, IAccountStore accounts, IAuditLog audit, TimeProvider clock)
{
    public const int MaxFieldsPerAccount = 30;

    public async Task<Result<CustomFieldDefinition>> DefineAsync(Caller caller, string accountId, DefineCustomFieldRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.SettingsManage, accountId);
        if (account.IsError) return account.Error;
        var field = Validate(accountId, r);
        if (field.IsError) return field.Error;
        if ((await fields.ListAsync(accountId, ct)).Count >= MaxFieldsPerAccount) return new PolicyViolation("custom-fields.count", $"an account has at most {MaxFieldsPerAccount} custom fields");
        if (!await fields.AddAsync(field.Value, ct)) return new Conflict($"the account already has a custom field named '{field.Value.Name}'");
        await audit.AppendAsync(new AuditEvent(caller.Actor, "custom-field.defined", $"account:{accountId}", JsonSerializer.Serialize(new
        {
            account = accountId, field = field.Value.Id, name = field.Value.Name, type = field.Value.Type.ToString(), mandatory = field.Value.Mandatory,
        }), origin.Address), CancellationToken.None);
        return field.Value;
    }

    public async Task<Result<IReadOnlyList<CustomFieldDefinition>>> ListAsync(Caller caller, string accountId, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.DashboardView, accountId);
        if (account.IsError) return account.Error;
        return (await fields.ListAsync(accountId, ct)).ToList();
    }

    /// <summary>Orders keep the values they were placed with; the field is no longer asked for or accepted.</summary>
    public async Task<Result<bool>> DeleteAsync(Caller caller, string accountId, string fieldId, RequestOrigin origin, CancellationToken ct)
    {
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.SettingsManage, accountId);
        if (account.IsError) return account.Error;
        if (!await fields.DeleteAsync(accountId, fieldId, ct)) return new NotFound("custom field", $"custom field '{fieldId}' does not exist");
        await audit.AppendAsync(new AuditEvent(caller.Actor, "custom-field.deleted", $"account:{accountId}",
            JsonSerializer.Serialize(new { account = accountId, field = fieldId }), origin.Address), CancellationToken.None);
        return true;
    }

    private Result<CustomFieldDefinition> Validate(string accountId, DefineCustomFieldRequest r)
    {
        var name = r.Name?.Trim() ?? "";
        // The name is a key in JSON, query strings and spreadsheet headers: keep it plain.
        if (name.Length is 0 or > 50 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            return new MalformedInput("'name' must be 1 to 50 letters, digits, '-' or '_'");
        var label = Users.Fields.Name(string.IsNullOrWhiteSpace(r.Label) ? name : r.Label, "label");
        if (label.IsError) return label.Error;
        if (!Enum.TryParse<CustomFieldType>(r.Type?.Trim(), ignoreCase: true, out var type) || !Enum.IsDefined(type) || int.TryParse(r.Type, out _))
            return new MalformedInput("'type' must be text, dropdown, date, checkbox or email");
        var max = r.MaxLength ?? 200;
        if (max < 1 || max > CustomFieldValues.MaxValueLength) return new MalformedInput($"'maxLength' must be 1 to {CustomFieldValues.MaxValueLength}");
        var classes = CharacterClasses.None;
        foreach (var c in r.AllowedCharacters ?? [])
        {
            if (!Enum.TryParse<CharacterClasses>(c?.Trim(), ignoreCase: true, out var one) || one == CharacterClasses.None || !Enum.IsDefined(one) || int.TryParse(c, out _))
                return new MalformedInput($"unknown character class '{c}' (letters, digits, space, punctuation)");
            classes |= one;
        }
        var extra = r.ExtraCharacters ?? "";
        if (extra.Length > 20 || extra.Any(char.IsControl)) return new MalformedInput("'extraCharacters' takes at most 20 printable characters");
        if (type != CustomFieldType.Text && (classes != CharacterClasses.None || extra.Length > 0))
            return new MalformedInput("allowed characters apply to text fields only");
        var options = (r.Options ?? []).Select(o => o?.Trim() ?? "").ToList();
        if (type == CustomFieldType.Dropdown)
        {
            if (options.Count is 0 or > 50 || options.Any(o => o.Length is 0 or > 200) || options.Distinct(StringComparer.Ordinal).Count() != options.Count)
                return new MalformedInput("a dropdown needs 1 to 50 distinct options of 1 to 200 characters");
        }
        else if (options.Count > 0)
        {
            return new MalformedInput("'options' apply to dropdown fields only");
        }
        return new CustomFieldDefinition(Ids.New("cf"), accountId, name, label.Value, type, r.Mandatory, max, classes, extra, options, clock.GetUtcNow());
    }
}
