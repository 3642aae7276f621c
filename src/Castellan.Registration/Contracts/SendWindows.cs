namespace Castellan.Registration.Contracts;

/// <summary>What <see cref="ISendWindowStore.TakeAsync"/> answers: allowed, or refused until <see cref="RetryAt"/>.</summary>
public sealed record WindowTake(bool Allowed, int Count, DateTimeOffset RetryAt);

/// <summary>
/// Fixed-window counters shared by every node (a row per key in the database), for limits that must hold across a
/// cluster, such as the validation-email resends of one order. Implemented by Castellan.Storage.
/// </summary>
public interface ISendWindowStore
{
    /// <summary>
    /// Counts one use of <paramref name="key"/> when its window (started by its first use, lasting
    /// <paramref name="window"/>) has fewer than <paramref name="limit"/> uses; each step is one conditional write, so
    /// racing callers on several nodes never pass the limit together.
    /// </summary>
    Task<WindowTake> TakeAsync(string key, DateTimeOffset now, TimeSpan window, int limit, CancellationToken ct);
}

/// <summary>Too many sends of the same thing in the window; nothing was sent. <see cref="RetryAfter"/> is at least one second.</summary>
public sealed record SendLimitReached(string What, int Limit, TimeSpan Window, TimeSpan RetryAfter)
    : CastellanError($"{What} was already sent {Limit} times in the last {Describe(Window)}; try again in {Describe(RetryAfter)}")
{
    internal static string Describe(TimeSpan t) => t.TotalMinutes >= 1
        ? (Math.Ceiling(t.TotalMinutes) is var m && m == 1 ? "1 minute" : $"{m:0} minutes")
        : (Math.Ceiling(t.TotalSeconds) is var s && s == 1 ? "1 second" : $"{s:0} seconds");
}
