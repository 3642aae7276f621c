using Castellan.Registration.Contracts;
using Castellan.Registration.Roles;
using Castellan.Validation.Contracts;
using Microsoft.Extensions.Options;

namespace Castellan.Registration.Orders.Validation;

/// <summary>
/// The applicant's DCV actions on an order (docs/flows/orders.md "Domain control"): verify a name through the
/// validation authority, change its method, or resend its email. Open to the order's placer or OrdersManage, like the
/// other order actions. When the last name is valid an accepted order of an automatic product is issued at once
/// (CAA is checked right before signing); a manual or API product still waits for its approver.
/// </summary>
public sealed class VerifyOrderDomain(OrderService orders, OrderDomainValidation dcv, IOrderValidationStore store, IProductStore products,
    IValidationAuthority va, IEmailValidation email, TrackingLinks links, ISendWindowStore windows, IOptions<RegistrationOptions> options, TimeProvider clock)
{
    public async Task<Result<Order>> VerifyAsync(Caller caller, string id, string? name, string? submittedValue, RequestOrigin origin, CancellationToken ct)
    {
        var found = await FindAsync(caller, id, name, ct);
        if (found.IsError) return found.Error;
        var (order, product, row) = found.Value;
        if (row.Status == OrderValidationStatus.Pending)
        {
            ValidationRequest request;
            var identifier = OrderDomainValidation.IdentifierOf(row.Name);
            if (row.EmailChallengeId is { } challenge)
            {
                if (string.IsNullOrWhiteSpace(submittedValue)) return new MalformedInput("'value' is required: the validation value from the email");
                request = new ValidationRequest(new Identifier(IdentifierType.Dns, identifier.BaseName), row.Method, challenge, submittedValue.Trim(), order.AccountId);
            }
            else if (row.Token is { } token && row.RandomValue is { } value)
            {
                request = new ValidationRequest(identifier, row.Method, token, value, order.AccountId);
            }
            else
            {
                return new Conflict($"'{row.Name}' has no open challenge; choose a method again");
            }

            var validated = await va.ValidateAsync(request, ct);
            if (validated.IsError)
            {
                await store.UpdateAsync(row with { Reason = validated.Error.Detail, UpdatedAt = dcv.Later(row.UpdatedAt) }, row.UpdatedAt, ct);
                await orders.AuditAsync(caller.Actor, "order.domain-validation-failed", order, order.Status, order.Status, origin, new { name = row.Name, method = Code(row.Method), reason = validated.Error.Detail });
                return validated.Error;
            }
            var valid = row with
            {
                Status = OrderValidationStatus.Valid, Token = null, RandomValue = null, EmailChallengeId = null, Reason = null, UpdatedAt = dcv.Later(row.UpdatedAt),
                Source = "validated", EvidenceId = validated.Value.Id, ValidatedAt = validated.Value.ValidatedAt,
            };
            if (!await store.UpdateAsync(valid, row.UpdatedAt, ct)) return new Conflict($"the validation of '{row.Name}' changed meanwhile; read the order and retry");
            await orders.AuditAsync(caller.Actor, "order.domain-validated", order, order.Status, order.Status, origin, new { name = row.Name, method = Code(row.Method), evidence = validated.Value.Id });
        }

        // The last name: an accepted order of an automatic product is issued now (IssueIfReadyAsync checks every name
        // again and CAA right before signing). Verifying an already valid name retries an issuance CAA refused earlier.
        var current = await orders.GetAsync(caller, id, ct);
        if (current.IsError) return current.Error;
        return await orders.IssueIfReadyAsync(current.Value, product, caller.Actor, origin, ct);
    }

    /// <summary>Seed 003 "Flexible DCV Method Changes" for one name of an order: a new method and a new value.</summary>
    public async Task<Result<Order>> ChangeMethodAsync(Caller caller, string id, string? name, string? method, RequestOrigin origin, CancellationToken ct)
    {
        var m = OrderDomainValidation.ParseMethod(method);
        if (m.IsError) return m.Error;
        if (m.Value is not { } chosen) return new MalformedInput($"'method' is required; use one of {string.Join(", ", OrderDomainValidation.Methods.Keys)}");
        var found = await FindAsync(caller, id, name, ct);
        if (found.IsError) return found.Error;
        var (order, _, row) = found.Value;
        if (row.Status == OrderValidationStatus.Valid) return new Conflict($"'{row.Name}' is already validated");
        var identifier = OrderDomainValidation.IdentifierOf(row.Name);
        if (OrderDomainValidation.MethodFor(identifier, chosen) != chosen)
            return new PolicyViolation("order.validation-method", $"'{row.Name}' cannot be validated by {Code(chosen)} (IP addresses: http-file only; wildcards: not http-file)");
        var prepared = await dcv.NewChallengeAsync(row with { Method = chosen, UpdatedAt = dcv.Later(row.UpdatedAt) }, order.AccountId, ct);
        if (prepared.IsError) return prepared.Error;
        if (!await store.UpdateAsync(prepared.Value, row.UpdatedAt, ct)) return new Conflict($"the validation of '{row.Name}' changed meanwhile; read the order and retry");
        await orders.AuditAsync(caller.Actor, "order.validation-method-changed", order, order.Status, order.Status, origin, new { name = row.Name, from = Code(row.Method), to = Code(chosen) });
        return order;
    }

    /// <summary>A new value for a pending email validation (the old one stops working; 24 hours start again), sent through the outbox.</summary>
    public async Task<Result<Order>> ResendAsync(Caller caller, string id, string? name, RequestOrigin origin, CancellationToken ct)
    {
        var found = await FindAsync(caller, id, name, ct);
        if (found.IsError) return found.Error;
        var (order, _, row) = found.Value;
        return await ResendAsync(order, row, caller.Actor, origin, ct);
    }

    /// <summary>
    /// Issue 5 item 9: whoever holds the order's tracking link (often the domain's administrator, who receives the
    /// email) may ask for the validation email again. It goes only to the name's fixed recipients (BR 3.2.2.4.4), never
    /// to an address the caller chooses, and the value is never shown, so the link grants no more than a new email.
    /// </summary>
    public async Task<Result<Order>> ResendForTrackingLinkAsync(string? token, string? name, string? address, CancellationToken ct)
    {
        var order = await links.FindAsync(token, ct);
        if (order is null) return new NotFound("tracking link", "this tracking link does not exist or was replaced");
        var found = await FindRowAsync(order, name, ct);
        if (found.IsError) return found.Error;
        var origin = new RequestOrigin(TrackingActor, address);
        var row = found.Value.Row;
        if (row.Status != OrderValidationStatus.Pending || row.EmailChallengeId is null) return new Conflict("only a pending email validation can be resent");
        // Counted per order (all its names together), durably, so every node and every name share the same few sends.
        var limit = options.Value.TrackingResendLimit;
        if (limit > 0)
        {
            var window = options.Value.TrackingResendWindow;
            var now = clock.GetUtcNow();
            var taken = await windows.TakeAsync("tracking-resend:" + order.Id, now, window, limit, ct);
            if (!taken.Allowed)
            {
                var wait = taken.RetryAt - now < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : taken.RetryAt - now;
                await orders.AuditAsync(TrackingActor, "order.validation-email-resend-refused", order, order.Status, order.Status, origin,
                    new { name = row.Name, limit, window = window.ToString(), retryAfterSeconds = (long)Math.Ceiling(wait.TotalSeconds) });
                return new SendLimitReached("the validation email of this order", limit, window, wait);
            }
        }
        return await ResendAsync(order, row, TrackingActor, origin, ct);
    }

    /// <summary>The audit actor of actions taken through a tracking link, which has no user behind it.</summary>
    public const string TrackingActor = "tracking-link";

    private async Task<Result<Order>> ResendAsync(Order order, OrderValidation row, string actor, RequestOrigin origin, CancellationToken ct)
    {
        if (row.Status != OrderValidationStatus.Pending || row.EmailChallengeId is not { } challenge) return new Conflict("only a pending email validation can be resent");
        var sent = await email.ResendAsync(challenge, ct);
        if (sent.IsError) return sent.Error;
        await store.UpdateAsync(row with { ValueExpiresAt = sent.Value.ExpiresAt, Recipients = sent.Value.Recipients, UpdatedAt = dcv.Later(row.UpdatedAt) }, row.UpdatedAt, ct);
        await orders.AuditAsync(actor, "order.validation-email-resent", order, order.Status, order.Status, origin, new { name = row.Name, recipients = sent.Value.Recipients });
        return order;
    }

    private async Task<Result<(Order Order, Product Product, OrderValidation Row)>> FindAsync(Caller caller, string id, string? name, CancellationToken ct)
    {
        var found = await orders.FindForActionAsync(caller, id, Permission.OrdersManage, ownerMay: true, ct);
        if (found.IsError) return found.Error;
        return await FindRowAsync(found.Value.Order, name, ct);
    }

    private async Task<Result<(Order Order, Product Product, OrderValidation Row)>> FindRowAsync(Order order, string? name, CancellationToken ct)
    {
        var id = order.Id;
        if (order.Status is OrderStatus.Cancelled or OrderStatus.Rejected or OrderStatus.Fulfilled)
            return new Conflict($"an order in status '{order.Status.Display()}' needs no domain validation");
        var product = await products.GetAsync(order.ProductId, ct);
        if (product is null) return new Conflict($"product '{order.ProductId}' no longer exists");
        var rows = await dcv.PrepareAsync(order, product, null, ct);
        if (rows.IsError) return rows.Error;
        var wanted = name?.Trim().TrimEnd('.').ToLowerInvariant();
        var row = rows.Value.FirstOrDefault(r => r.Name == wanted);
        return row is null ? new NotFound("validation", $"order '{id}' has no domain validation for '{name}'") : (order, product, row);
    }

    private static string Code(ValidationMethod m) => Domains.DomainService.Code(m);
}
