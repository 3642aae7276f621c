using Castellan.Registration.Contracts;

namespace Castellan.Portal.Orders;

/// <summary>
/// The columns the orders list can show. The user picks which; the choice is kept in the browser's local storage
/// (per signed-in user, see <see cref="StorageKey"/>), since it is a display preference and not account data.
/// </summary>
internal static class OrderColumns
{
    public sealed record Column(string Key, string Title, bool ShownByDefault);

    public static IReadOnlyList<Column> All { get; } =
    [
        new("product", "Product", true),
        new("status", "Status", true),
        new("names", "Names", true),
        new("requester", "Requester", false),
        new("group", "Group", false),
        new("price", "Price", true),
        new("placed", "Placed", true),
        new("kind", "Kind", false),
    ];

    public static HashSet<string> Defaults() => All.Where(c => c.ShownByDefault).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>A stored choice, keeping only known keys; null or nothing known gives the defaults.</summary>
    public static HashSet<string> Parse(string? stored)
    {
        var keys = (stored ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(k => All.Any(c => c.Key == k)).ToHashSet(StringComparer.Ordinal);
        return stored is null ? Defaults() : keys;
    }

    public static string Serialize(IEnumerable<string> keys) => string.Join(",", All.Select(c => c.Key).Where(keys.Contains));

    public static string StorageKey(Caller caller) => $"castellan.orders.columns.{caller.Actor}";
}
