using Castellan.Authority.Contracts;
using Castellan.Registration.Orders;

namespace Castellan.Registration.Contracts;

/// <summary>Why an order exists: a first order, or an action on an earlier one (<see cref="Order.OriginalOrderId"/>).</summary>
public enum OrderKind
{
    New,

    /// <summary>A free re-issue inside the subscription coverage (seed 003 "Reissue"), possibly with changed names.</summary>
    Reissue,

    /// <summary>A new paid order for the same product and names, offered from 60 days before expiry.</summary>
    Renewal,
}

/// <summary>A reporting tag (seed 003 "Additional information"): a name and an optional value, searchable.</summary>
public sealed record ReportingTag(string Name, string? Value);

/// <summary>
/// The certificate a reissue replaces, revoked as superseded once the reissue is fulfilled and
/// <see cref="DueAt"/> has passed (the grace period lets the subscriber deploy the new certificate first).
/// </summary>
public sealed record Supersession(string Serial, DateTimeOffset DueAt, RevocationReason Reason);

/// <summary>What can be searched for in orders besides the <see cref="OrderQuery"/> basics.</summary>
public sealed record OrderFilter
{
    public DateTimeOffset? CreatedFrom { get; init; }
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>A name on the order (a substring of its SANs, case-insensitive).</summary>
    public string? Domain { get; init; }

    public string? GroupId { get; init; }
    public string? TagName { get; init; }
    public string? TagValue { get; init; }
    public string? FieldName { get; init; }
    public string? FieldValue { get; init; }

    /// <summary>Who placed or requested the order: a substring of the placer's id or of the requester's name, case-insensitive.</summary>
    public string? Requester { get; init; }
}

/// <summary>Storage for what order actions change besides the status, implemented by Castellan.Storage beside <see cref="IOrderStore"/>.</summary>
public interface IOrderDetailsStore
{
    /// <summary>Replaces the editable details of an order not in <paramref name="closed"/>; false otherwise.</summary>
    Task<bool> UpdateDetailsAsync(string id, IReadOnlyDictionary<string, string> customFields, IReadOnlyList<ReportingTag> tags,
        IReadOnlyList<string> recipients, IReadOnlyCollection<OrderStatus> closed, DateTimeOffset at, CancellationToken ct);

    /// <summary>Stores the SHA-256 of an order's tracking token (replacing any earlier one, so the old link stops working).</summary>
    Task<bool> SetTrackingTokenHashAsync(string id, string hash, CancellationToken ct);

    Task<Order?> FindByTrackingTokenHashAsync(string hash, CancellationToken ct);

    /// <summary>Fulfilled reissue orders whose superseded certificate is due for revocation at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<Order>> DueSupersessionsAsync(DateTimeOffset now, int take, CancellationToken ct);

    /// <summary>Clears a due supersession conditionally, so of several nodes exactly one revokes; false when another did.</summary>
    Task<bool> ClaimSupersessionAsync(string id, string serial, CancellationToken ct);

    /// <summary>Newest first, with the filter applied.</summary>
    Task<(IReadOnlyList<Order> Items, int Total)> SearchAsync(OrderQuery query, OrderFilter filter, CancellationToken ct);
}

/// <summary>Custom fields (seed 003): what an account asks for on every order.</summary>
public enum CustomFieldType
{
    Text,
    Dropdown,
    Date,
    Checkbox,
    Email,
}

/// <summary>Character classes a text field may allow; no regular expressions, so no ReDoS and no surprises.</summary>
[Flags]
public enum CharacterClasses
{
    None = 0,
    Letters = 1,
    Digits = 2,
    Space = 4,
    Punctuation = 8,
}

/// <summary>
/// A custom field of an account. <see cref="Name"/> is the key orders use; <see cref="AllowedCharacters"/> with
/// <see cref="ExtraCharacters"/> bound what a text field takes (<see cref="CharacterClasses.None"/>: anything printable).
/// </summary>
public sealed record CustomFieldDefinition(
    string Id,
    string AccountId,
    string Name,
    string Label,
    CustomFieldType Type,
    bool Mandatory,
    int MaxLength,
    CharacterClasses AllowedCharacters,
    string ExtraCharacters,
    IReadOnlyList<string> Options,
    DateTimeOffset CreatedAt);

public interface ICustomFieldStore
{
    /// <summary>False when the account already has a field of that name.</summary>
    Task<bool> AddAsync(CustomFieldDefinition field, CancellationToken ct);

    Task<IReadOnlyList<CustomFieldDefinition>> ListAsync(string accountId, CancellationToken ct);

    Task<bool> DeleteAsync(string accountId, string id, CancellationToken ct);
}

/// <summary>One custom field's problem, so a form can show it beside the field.</summary>
public sealed record FieldError(string Field, string Detail);

/// <summary>Custom field values failed their definitions; nothing was charged or kept.</summary>
public sealed record CustomFieldsInvalid(IReadOnlyList<FieldError> Errors)
    : CastellanError("custom fields are invalid: " + string.Join("; ", Errors.Select(e => $"{e.Field}: {e.Detail}")));
