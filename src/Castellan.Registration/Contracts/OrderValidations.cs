using Castellan.Validation.Contracts;

namespace Castellan.Registration.Contracts;

/// <summary>Where a name of an order stands in domain control validation.</summary>
public enum OrderValidationStatus
{
    /// <summary>The applicant must publish the value (or return the emailed one) and ask for verification.</summary>
    Pending,

    /// <summary>Proven: by this order's own validation, a reusable earlier validation, or a verified domain of the account.</summary>
    Valid,
}

/// <summary>
/// The domain control validation of one name on an order (docs/flows/orders.md "Domain control"). <see cref="Name"/>
/// is the name as the certificate will carry it ("www.example.com", "*.example.com", "192.0.2.1"). For the file and
/// DNS methods <see cref="Token"/> and <see cref="RandomValue"/> are what to publish; an email method keeps its value
/// inside the validation authority and only <see cref="EmailChallengeId"/> here. <see cref="Source"/> says how a valid
/// name was proven: "validated" (this order), "reused-validation" or "verified-domain".
/// </summary>
public sealed record OrderValidation(
    string OrderId,
    string Name,
    ValidationMethod Method,
    OrderValidationStatus Status,
    string? Token,
    string? RandomValue,
    string? EmailChallengeId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public string? Source { get; init; }
    public string? EvidenceId { get; init; }
    public DateTimeOffset? ValidatedAt { get; init; }

    /// <summary>Email methods: where the value went and until when it works.</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    public DateTimeOffset? ValueExpiresAt { get; init; }

    /// <summary>Why the last verification failed, to show the applicant.</summary>
    public string? Reason { get; init; }
}

/// <summary>Per-name DCV of orders, implemented by Castellan.Storage.</summary>
public interface IOrderValidationStore
{
    /// <summary>Adds the rows for names the order does not have yet; a name already there (a concurrent request) is kept as it is.</summary>
    Task AddAsync(IReadOnlyList<OrderValidation> validations, CancellationToken ct);

    /// <summary>The order's names in the order they were added.</summary>
    Task<IReadOnlyList<OrderValidation>> ListAsync(string orderId, CancellationToken ct);

    /// <summary>Writes every mutable field if the row is still at <paramref name="expectedUpdatedAt"/>; false when it changed meanwhile.</summary>
    Task<bool> UpdateAsync(OrderValidation validation, DateTimeOffset expectedUpdatedAt, CancellationToken ct);
}

/// <summary>An order cannot be issued yet: these names still need domain control validation.</summary>
public sealed record DomainControlPending(string OrderId, IReadOnlyList<string> Names)
    : CastellanError($"domain control is not validated yet for {string.Join(", ", Names)}; publish the value for each and verify it (POST /api/v1/orders/{OrderId}/validations/{{name}}/verify) before the order can be fulfilled");
