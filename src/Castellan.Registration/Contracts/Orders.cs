using Castellan.Registration.Orders;

namespace Castellan.Registration.Contracts;

/// <summary>
/// A certificate order (seed 003 "Request New Certificate"). <see cref="PriceMinor"/> is fixed when the order is
/// created; <see cref="DebitJournalId"/> is the billing journal that paid it (null while On Hold). The pair
/// (<see cref="AccountId"/>, <see cref="IdempotencyKey"/>) is unique: a retried request finds the first order.
/// </summary>
public sealed record Order(
    string Id,
    string AccountId,
    string? GroupId,
    string ProductId,
    OrderStatus Status,
    string? Csr,
    IReadOnlyList<string> Sans,
    string? Subject,
    int ValidityDays,
    string? Remarks,
    IReadOnlyList<string> ReportingTags,
    IReadOnlyList<string> AdditionalRecipients,
    long PriceMinor,
    string Currency,
    string PlacedBy,
    string IdempotencyKey,
    string Fingerprint,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public string? DebitJournalId { get; init; }

    /// <summary>The issued certificate's serial (hex) once the order is fulfilled.</summary>
    public string? CertificateSerial { get; init; }

    /// <summary>Why the order was rejected or cancelled, or why issuance failed.</summary>
    public string? StatusReason { get; init; }

    /// <summary>A first order, a reissue or a renewal; the latter two name the order they came from.</summary>
    public OrderKind Kind { get; init; } = OrderKind.New;

    public string? OriginalOrderId { get; init; }

    /// <summary>Why a reissue was asked for (one of <see cref="Orders.ReissueReasons"/>).</summary>
    public string? ReissueReason { get; init; }

    /// <summary>
    /// The subscription (seed 003, PKI-RULES "subscriptions"): 1 to 3 years of coverage with free reissues, each
    /// certificate within the product's (so the profile's) maximum validity. A reissue inherits its original's end.
    /// </summary>
    public int CoverageYears { get; init; } = 1;

    public DateTimeOffset? CoverageEndsAt { get; init; }

    /// <summary>Custom field values by field name (dates ISO 8601, checkboxes "true"/"false").</summary>
    public IReadOnlyDictionary<string, string> CustomFields { get; init; } = new Dictionary<string, string>();

    /// <summary>Reporting tags with a value; <see cref="ReportingTags"/> holds the bare ones.</summary>
    public IReadOnlyList<ReportingTag> Tags { get; init; } = [];

    /// <summary>On a reissue: the certificate it replaces, revoked when due.</summary>
    public Supersession? Supersedes { get; init; }

    /// <summary>
    /// The person the order is for, as the request wizard collects them (seed 003 "Requester Details"); the requester's
    /// email is among <see cref="AdditionalRecipients"/>. Null on orders placed without them (API clients, older orders).
    /// </summary>
    public string? RequesterName { get; init; }

    public string? RequesterMobile { get; init; }
}

/// <summary>What a conditional status change also writes.</summary>
public sealed record OrderChange(OrderStatus From, OrderStatus To, DateTimeOffset At)
{
    public string? DebitJournalId { get; init; }
    public string? CertificateSerial { get; init; }
    public string? StatusReason { get; init; }
}

public sealed record OrderQuery(string? AccountId, string? PlacedBy, OrderStatus? Status, string? ProductId, int Skip, int Take);

/// <summary>Order storage, implemented by Castellan.Storage.</summary>
public interface IOrderStore
{
    /// <summary>False when the id or the (account, idempotency key) pair is taken; the caller then reads the first order.</summary>
    Task<bool> AddAsync(Order order, CancellationToken ct);

    Task<Order?> GetAsync(string id, CancellationToken ct);

    Task<Order?> FindByIdempotencyKeyAsync(string accountId, string key, CancellationToken ct);

    /// <summary>
    /// One conditional UPDATE: moves the order from <see cref="OrderChange.From"/> to <see cref="OrderChange.To"/> and
    /// writes the change's fields; false when the order was no longer in <see cref="OrderChange.From"/>, so of two
    /// racing approvals exactly one wins.
    /// </summary>
    Task<bool> TransitionAsync(string id, OrderChange change, CancellationToken ct);

    /// <summary>Stores the CSR of an order that has none yet and is in <paramref name="allowed"/>; false otherwise.</summary>
    Task<bool> SetCsrAsync(string id, string csr, IReadOnlyCollection<OrderStatus> allowed, DateTimeOffset at, CancellationToken ct);

    /// <summary>Newest first.</summary>
    Task<(IReadOnlyList<Order> Items, int Total)> ListAsync(OrderQuery query, CancellationToken ct);
}

/// <summary>The order could not be paid for; nothing was debited and no order was kept.</summary>
public sealed record OrderPaymentRefused(CastellanError Cause) : CastellanError(Cause.Detail);

/// <summary>The Idempotency-Key was already used in this account for a different order request.</summary>
public sealed record OrderKeyReused(string Key)
    : CastellanError($"the Idempotency-Key '{Key}' was already used for a different order request");
