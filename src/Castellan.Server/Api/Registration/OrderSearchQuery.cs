using System.Globalization;
using Castellan.Registration.Contracts;
using Castellan.Registration.Orders;

namespace Castellan.Server.Api.Registration;

/// <summary>The query string of GET /orders and GET /orders/export.xlsx, read the same way for both.</summary>
internal sealed record OrderSearchQuery(string? Account, OrderStatus? Status, string? Product, OrderFilter Filter, int Page, int PageSize)
{
    public const int DefaultPageSize = 50;

    public static Result<OrderSearchQuery> Parse(IQueryCollection q)
    {
        var page = 1;
        var size = DefaultPageSize;
        if (Text(q, "page") is { } p && (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1)) return new MalformedInput("'page' must be a positive integer");
        if (Text(q, "pageSize") is { } ps && (!int.TryParse(ps, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > OrderSearch.MaxPageSize))
            return new MalformedInput($"'pageSize' must be 1 to {OrderSearch.MaxPageSize}");
        if ((long)(page - 1) * size > int.MaxValue) return new MalformedInput("'page' is beyond any possible result");
        OrderStatus? status = null;
        if (Text(q, "status") is { } st)
        {
            status = OrderService.ParseStatus(st);
            if (status is null) return new MalformedInput($"unknown status '{st}'");
        }
        var from = Date(q, "from", endOfDay: false);
        if (from.IsError) return from.Error;
        var to = Date(q, "to", endOfDay: true);
        if (to.IsError) return to.Error;
        if (from.Value is { } f && to.Value is { } t && f > t) return new MalformedInput("'from' is after 'to'");
        var (tagName, tagValue) = Pair(Text(q, "tag"));
        var field = Text(q, "field");
        var (fieldName, fieldValue) = Pair(field);
        if (field is not null && fieldValue is null) return new MalformedInput("'field' is name:value");
        return new OrderSearchQuery(Text(q, "account"), status, Text(q, "product"), new OrderFilter
        {
            CreatedFrom = from.Value, CreatedTo = to.Value, Domain = Text(q, "domain"), GroupId = Text(q, "group"),
            TagName = tagName, TagValue = tagValue, FieldName = fieldName, FieldValue = fieldValue, Requester = Text(q, "requester"),
        }, page, size);
    }

    private static string? Text(IQueryCollection q, string name) => q[name].ToString() is { Length: > 0 } v ? v.Trim() : null;

    private static (string? Name, string? Value) Pair(string? text)
    {
        if (text is null) return (null, null);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (text, null) : (text[..colon].Trim(), text[(colon + 1)..].Trim());
    }

    /// <summary>ISO 8601; a bare date "to" means the end of that day (UTC), so from=to=D finds the orders of day D.</summary>
    private static Result<DateTimeOffset?> Date(IQueryCollection q, string name, bool endOfDay)
    {
        if (Text(q, name) is not { } text) return (DateTimeOffset?)null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return (DateTimeOffset?)new DateTimeOffset(day.ToDateTime(endOfDay ? TimeOnly.MaxValue : TimeOnly.MinValue), TimeSpan.Zero);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return (DateTimeOffset?)at;
        return new MalformedInput($"'{name}' must be an ISO 8601 date (yyyy-MM-dd) or date-time");
    }
}
