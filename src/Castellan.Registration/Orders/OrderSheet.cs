using System.Globalization;
using System.Runtime.CompilerServices;
using Castellan.Registration.Contracts;

namespace Castellan.Registration.Orders;

/// <summary>
/// The rows of an order export (seed 003 "Export to Excel"), shared by the REST API's GET /orders/export.xlsx and the
/// portal's export button so both files have the same columns: one row per order, the account's custom fields as
/// extra columns. Rows are read page by page as the writer asks for them, so memory stays flat.
/// </summary>
public static class OrderSheet
{
    public const int PageSize = 500;

    /// <summary>
    /// Every order of the search, starting with <paramref name="first"/> (the page the caller already read to check the
    /// filters); <paramref name="progress"/> hears the number of rows written so far, once per page.
    /// </summary>
    public static async IAsyncEnumerable<Dictionary<string, object?>> RowsAsync(OrderSearch search, Caller caller, string? accountId, OrderStatus? status,
        string? productId, OrderFilter filter, IReadOnlyList<Order> first, IReadOnlyList<CustomFieldDefinition> fields, IProgress<int>? progress,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var page = first;
        var skip = 0;
        while (true)
        {
            foreach (var order in page) yield return Row(order, fields);
            progress?.Report(skip + page.Count);
            if (page.Count < PageSize) yield break;
            skip += PageSize;
            var next = await search.SearchAsync(caller, accountId, status, productId, filter, skip, PageSize, ct);
            if (next.IsError) yield break;
            page = next.Value.Items;
        }
    }

    public static Dictionary<string, object?> Row(Order o, IReadOnlyList<CustomFieldDefinition> fields)
    {
        var row = new Dictionary<string, object?>
        {
            ["Order"] = o.Id,
            ["Account"] = o.AccountId,
            ["Kind"] = o.Kind.ToString(),
            ["Status"] = o.Status.Display(),
            ["Product"] = o.ProductId,
            ["Group"] = o.GroupId,
            ["Names"] = string.Join(", ", o.Sans),
            ["Created (UTC)"] = o.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["Price"] = o.PriceMinor,
            ["Currency"] = o.Currency,
            ["Placed by"] = o.PlacedBy,
            ["Requester"] = o.RequesterName,
            ["Certificate"] = o.CertificateSerial,
            ["Tags"] = string.Join(", ", o.ReportingTags.Concat(o.Tags.Select(t => t.Value is null ? t.Name : $"{t.Name}={t.Value}"))),
        };
        // One column per custom field of the account, in definition order, so every row has the same columns.
        foreach (var f in fields) row[f.Label] = o.CustomFields.TryGetValue(f.Name, out var v) ? v : null;
        return row;
    }
}
