using Castellan.Registration.Contracts;
using Castellan.Registration.Orders;
using Castellan.Registration.Orders.CustomFields;
using Castellan.Registration.Users;

namespace Castellan.Portal.Requests;

/// <summary>
/// Everything typed into the New Request wizard, kept for the life of the page so a refused step or a failed submit
/// loses nothing. The checks are the RA's own (<see cref="OrderInput"/>, <see cref="Fields"/>); the RA decides again
/// when the order is placed.
/// </summary>
public sealed class NewRequestForm
{
    public static readonly string[] Steps = ["Product & validity", "Requester", "CSR", "Certificate details", "Additional information", "Summary"];

    public string? ProductId { get; set; }
    public int ValidityDays { get; set; }
    public string? RequesterName { get; set; }
    public string? RequesterEmail { get; set; }
    public string? RequesterMobile { get; set; }
    public string? RequesterDesignation { get; set; }
    public string? Csr { get; set; }
    public string? Names { get; set; }
    public string? Remarks { get; set; }
    public string? Tags { get; set; }
    public string? Recipients { get; set; }

    /// <summary>The account's custom fields (CustomFieldService), asked for in step 5.</summary>
    public IReadOnlyList<CustomFieldDefinition> FieldDefinitions { get; set; } = [];

    /// <summary>Custom field values by field name, as typed (dates yyyy-MM-dd, checkboxes "true"/"false").</summary>
    public Dictionary<string, string?> CustomFields { get; } = new(StringComparer.Ordinal);

    /// <summary>The error key of a custom field, also its input's id.</summary>
    public static string FieldKey(string name) => "cf-" + name;

    /// <summary>One key per wizard: a double click or a retried submit places one order.</summary>
    public string IdempotencyKey { get; } = "portal-" + Guid.NewGuid().ToString("N");

    /// <summary>Field name to message, shown under the field.</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public string? ErrorOf(string field) => Errors.GetValueOrDefault(field);

    public IReadOnlyList<string> NameList => Split(Names);
    public IReadOnlyList<string> TagList => Split(Tags);
    public IReadOnlyList<string> RecipientList => Split(Recipients);

    /// <summary>Checks one step's fields; true when the step may be left forwards.</summary>
    /// <param name="draft">A draft may leave mandatory custom fields empty (the RA's rule); their format is still checked.</param>
    public bool Check(int step, int maxValidityDays, bool draft = true)
    {
        foreach (var field in FieldsOf(step)) Errors.Remove(field);
        switch (step)
        {
            case 0:
                if (string.IsNullOrEmpty(ProductId)) Errors["product"] = "Choose a product";
                if (ValidityDays < 1 || (maxValidityDays > 0 && ValidityDays > maxValidityDays)) Errors["validity"] = $"Between 1 and {maxValidityDays} days for this product";
                break;
            case 1:
                if (Fields.Name(RequesterName, "requester name") is { IsError: true } name) Errors["requester-name"] = name.Error.Detail;
                if (Fields.Email(RequesterEmail) is { IsError: true } email) Errors["requester-email"] = email.Error.Detail;
                if (Fields.Mobile(RequesterMobile) is { IsError: true } mobile) Errors["requester-mobile"] = mobile.Error.Detail;
                if (RequesterDesignation is { Length: > 100 }) Errors["requester-designation"] = "At most 100 characters";
                break;
            case 2:
                if (OrderInput.Csr(Csr) is { IsError: true } csr) Errors["csr"] = csr.Error.Detail;
                break;
            case 3:
                if (OrderInput.Sans(NameList) is { IsError: true } sans) Errors["names"] = sans.Error.Detail;
                break;
            case 4:
                if (OrderInput.Remarks(Remarks) is { IsError: true } remarks) Errors["remarks"] = remarks.Error.Detail;
                if (OrderInput.Tags(TagList) is { IsError: true } tags) Errors["tags"] = tags.Error.Detail;
                if (OrderInput.Recipients(RecipientList) is { IsError: true } recipients) Errors["recipients"] = recipients.Error.Detail;
                // The RA's own check of custom fields, one message per field, beside it.
                if (CustomFieldValues.Check(FieldDefinitions, NonEmptyFields(), draft) is { IsError: true, Error: CustomFieldsInvalid invalid }) ShowFieldErrors(invalid);
                break;
        }
        return !FieldsOf(step).Any(Errors.ContainsKey);
    }

    /// <summary>Puts each of the RA's custom field errors beside its field.</summary>
    public void ShowFieldErrors(CustomFieldsInvalid invalid)
    {
        foreach (var e in invalid.Errors) Errors[FieldKey(e.Field)] = e.Detail;
    }

    private Dictionary<string, string?> NonEmptyFields() =>
        CustomFields.Where(f => FieldDefinitions.Any(d => d.Name == f.Key) && !string.IsNullOrWhiteSpace(f.Value)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);

    /// <summary>
    /// The order as the RA's API takes it. The requester's address joins the additional recipients, so the requester
    /// gets the order's notifications (seed 003: "so that all notifications are sent to the correct person").
    /// </summary>
    public PlaceOrderRequest ToRequest(bool draft)
    {
        var recipients = RecipientList.ToList();
        if (RequesterEmail?.Trim() is { Length: > 0 } requester && !recipients.Contains(requester, StringComparer.OrdinalIgnoreCase)) recipients.Insert(0, requester);
        return new PlaceOrderRequest(null, null, ProductId, string.IsNullOrWhiteSpace(Csr) ? null : Csr, NameList.Count > 0 ? NameList : null, null,
            ValidityDays, string.IsNullOrWhiteSpace(Remarks) ? null : Remarks, TagList, recipients, draft)
        {
            CustomFields = FieldDefinitions.Count == 0 ? null : NonEmptyFields(),
            RequesterName = string.IsNullOrWhiteSpace(RequesterName) ? null : RequesterName.Trim(),
            RequesterMobile = string.IsNullOrWhiteSpace(RequesterMobile) ? null : RequesterMobile.Trim(),
        };
    }

    /// <summary>The step whose field a refusal of the whole order is about, from the RA's wording; null when unknown.</summary>
    public static (int Step, string Field)? PlaceOf(CastellanError error)
    {
        var d = error.Detail;
        if (d.Contains("CSR", StringComparison.Ordinal)) return (2, "csr");
        if (d.Contains("recipient", StringComparison.Ordinal)) return (4, "recipients");
        if (d.Contains("reporting tag", StringComparison.Ordinal)) return (4, "tags");
        if (d.Contains("'remarks'", StringComparison.Ordinal)) return (4, "remarks");
        if (d.Contains("validityDays", StringComparison.Ordinal)) return (0, "validity");
        if (d.Contains("subject alternative name", StringComparison.Ordinal) || d.Contains("DNS name", StringComparison.Ordinal)) return (3, "names");
        return null;
    }

    private IEnumerable<string> FieldsOf(int step) => step switch
    {
        0 => ["product", "validity"],
        1 => ["requester-name", "requester-email", "requester-mobile", "requester-designation"],
        2 => ["csr"],
        3 => ["names"],
        4 => ["remarks", "tags", "recipients", .. FieldDefinitions.Select(d => FieldKey(d.Name))],
        _ => [],
    };

    private static List<string> Split(string? text) =>
        (text ?? "").Split([',', '\n', '\r', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
