using System.Security.Cryptography;
using System.Text;
using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Orders;

/// <summary>
/// Shareable, read-only tracking links (seed 003): 256 random bits, of which only the SHA-256 is stored, so a database
/// reader cannot rebuild a link. Creating a new link for an order replaces the old one, which stops working. What the
/// public page shows is chosen in the API's tracking view: status and names, no price, people, remarks or CSR.
/// </summary>
public sealed class TrackingLinks(OrderService orders, IOrderDetailsStore details)
{
    /// <summary>The new token, shown once; the caller must see the order and be its placer or hold OrdersManage.</summary>
    public async Task<Result<string>> CreateAsync(Caller caller, string id, RequestOrigin origin, CancellationToken ct)
    {
        var found = await orders.FindForActionAsync(caller, id, Permission.OrdersManage, ownerMay: true, ct);
        if (found.IsError) return found.Error;
        var token = "trk_" + Ids.Secret();
        if (!await details.SetTrackingTokenHashAsync(id, Hash(token), ct)) return NotFound(id);
        await orders.AuditAsync(caller.Actor, "order.tracking-link-created", found.Value.Order, found.Value.Order.Status, found.Value.Order.Status, origin, null);
        return token;
    }

    /// <summary>The order behind a token, or null; malformed tokens are not looked up.</summary>
    public async Task<Order?> FindAsync(string? token, CancellationToken ct)
    {
        if (token is null || token.Length is < 20 or > 100 || !token.StartsWith("trk_", StringComparison.Ordinal)) return null;
        return await details.FindByTrackingTokenHashAsync(Hash(token), ct);
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static NotFound NotFound(string id) => new("order", $"order '{id}' does not exist");
}
