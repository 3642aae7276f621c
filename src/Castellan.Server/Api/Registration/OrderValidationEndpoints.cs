using Castellan.Registration.Contracts;
using Castellan.Registration.Domains;
using Castellan.Registration.Orders;
using Castellan.Registration.Orders.Validation;
using Castellan.Registration.Roles;
using Castellan.Server.Api.Network;
using Castellan.Server.Api.Problems;

namespace Castellan.Server.Api.Registration;

/// <summary>What the applicant must do for one pending name: publish a TXT value or a file, or return an emailed value.</summary>
public sealed record ValidationActionView(string Type, string? RecordName, string? Url, string? Value, IReadOnlyList<string> Recipients, DateTimeOffset? ExpiresAt);

/// <summary>One name of an order in domain control validation.</summary>
public sealed record OrderValidationView(string Name, string Method, string Status, string? Source, DateTimeOffset? ValidatedAt, string? Reason, ValidationActionView? Action)
{
    public static OrderValidationView From(OrderValidation v) => new(v.Name, DomainService.Code(v.Method), v.Status.ToString().ToLowerInvariant(), v.Source,
        v.ValidatedAt, v.Reason, v.Status != OrderValidationStatus.Pending ? null : ActionOf(v));

    private static ValidationActionView ActionOf(OrderValidation v)
    {
        var baseName = v.Name.StartsWith("*.", StringComparison.Ordinal) ? v.Name[2..] : v.Name;
        return v switch
        {
            { Method: Validation.Contracts.ValidationMethod.DnsTxt } => new("dns-txt", "_validation." + baseName, null, v.RandomValue, [], null),
            { Method: Validation.Contracts.ValidationMethod.HttpFile, Token: { } t } =>
                new("http-file", null, $"http://{(baseName.Contains(':', StringComparison.Ordinal) ? $"[{baseName}]" : baseName)}/.well-known/pki-validation/{t}.txt", v.RandomValue, [], null),
            _ => new(DomainService.Code(v.Method), null, null, null, v.Recipients, v.ValueExpiresAt),
        };
    }
}

/// <summary>An order's domain control: whether it applies, whether it is complete, and each name.</summary>
public sealed record DomainValidationView(bool Required, bool Complete, IReadOnlyList<OrderValidationView> Names)
{
    public static DomainValidationView From(OrderDomainValidationState s) => new(s.Required, s.Complete, s.Names.Select(OrderValidationView.From).ToList());
}

public sealed record VerifyBody(string? Value);

public sealed record MethodBody(string? Method);

/// <summary>
/// Domain control of an order's names (docs/flows/orders.md "Domain control"). Open to the placer or OrdersManage,
/// checked per order by the RA; the answers are the order with its <c>domainValidation</c>.
/// </summary>
internal static class OrderValidationEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/orders").WithTags("Orders");

        g.MapPost("/{id}/validations/{name}/verify", async (string id, string name, VerifyBody? body, HttpContext http, VerifyOrderDomain use, OrderDomainValidation dcv, CancellationToken ct) =>
            await ReplyAsync(await use.VerifyAsync(http.Caller(), id, name, body?.Value, http.Origin(), ct), dcv, ct))
            .RequirePermission(Permission.OrdersViewOwn)
            .WithSummary("Ask the validation authority to check one name (email methods: send the emailed value); the order is issued when the last name validates and its product issues automatically");

        g.MapPut("/{id}/validations/{name}/method", async (string id, string name, MethodBody? body, HttpContext http, VerifyOrderDomain use, OrderDomainValidation dcv, CancellationToken ct) =>
            await ReplyAsync(await use.ChangeMethodAsync(http.Caller(), id, name, body?.Method, http.Origin(), ct), dcv, ct))
            .RequirePermission(Permission.OrdersViewOwn).WithSummary("Choose another validation method for a pending name (a new value; email methods send it)");

        g.MapPost("/{id}/validations/{name}/resend", async (string id, string name, HttpContext http, VerifyOrderDomain use, OrderDomainValidation dcv, CancellationToken ct) =>
            await ReplyAsync(await use.ResendAsync(http.Caller(), id, name, http.Origin(), ct), dcv, ct))
            .RequirePermission(Permission.OrdersViewOwn).WithSummary("Email a new value for a pending email validation (the old one stops working)");
    }

    /// <summary>The order as GET /orders/{id} shows it, with its domain control.</summary>
    public static async Task<IResult> ReplyAsync(Result<Order> result, OrderDomainValidation dcv, CancellationToken ct)
    {
        if (result.IsError) return ProblemResults.From(result.Error);
        return Results.Ok(OrderView.From(result.Value) with { DomainValidation = DomainValidationView.From(await dcv.DescribeAsync(result.Value, ct)) });
    }
}
