using Castellan.Registration.Orders;

namespace Castellan.Registration.Contracts;

/// <summary>
/// Whose figures: one account's orders (and the certificates they produced), optionally only those one actor placed;
/// or, with <see cref="AccountId"/> null, the whole platform (operator staff only; the RA decides).
/// </summary>
public sealed record DashboardScope(string? AccountId, string? PlacedBy);

/// <summary>Certificates issued in the week starting <see cref="WeekStart"/> (Monday, UTC).</summary>
public sealed record WeeklyCount(DateOnly WeekStart, int Count);

/// <summary>
/// The dashboard's numbers. Expiring counts are cumulative (within 30 days is also within 60 and 90) and count only
/// valid certificates that have not expired yet.
/// </summary>
public sealed record DashboardFigures(
    IReadOnlyDictionary<OrderStatus, int> OrdersByStatus,
    int ExpiringWithin30,
    int ExpiringWithin60,
    int ExpiringWithin90,
    IReadOnlyList<WeeklyCount> IssuedPerWeek);

/// <summary>Read-only aggregates for the dashboard, implemented by Castellan.Storage.</summary>
public interface IDashboardReadModel
{
    /// <summary><paramref name="weeks"/> weeks of issuance ending with the week of <paramref name="now"/>, oldest first, zeros included.</summary>
    Task<DashboardFigures> ReadAsync(DashboardScope scope, DateTimeOffset now, int weeks, CancellationToken ct);
}
