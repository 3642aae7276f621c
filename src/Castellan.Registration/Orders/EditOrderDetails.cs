using Castellan.Registration.Contracts;
using Castellan.Registration.Orders.CustomFields;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Orders;

/// <summary>The body of PATCH /orders/{id}: each part given replaces the order's; parts left out stay.</summary>
public sealed record EditOrderRequest(IReadOnlyDictionary<string, string?>? CustomFields, IReadOnlyList<string>? AdditionalRecipients, IReadOnlyList<ReportingTag>? Tags);

/// <summary>
/// Seed 003: custom fields, reporting tags and additional recipients can be edited after placement (by the placer or
/// OrdersManage), on any order that is not cancelled or rejected. Checked like at placement; audited before and after.
/// </summary>
public sealed class EditOrderDetails(OrderService orders, IOrderDetailsStore details, ICustomFieldStore fields, TimeProvider clock)
{
    private static readonly OrderStatus[] Closed = [OrderStatus.Cancelled, OrderStatus.Rejected];

    public async Task<Result<Order>> EditAsync(Caller caller, string id, EditOrderRequest r, RequestOrigin origin, CancellationToken ct)
    {
        var found = await orders.FindForActionAsync(caller, id, Permission.OrdersManage, ownerMay: true, ct);
        if (found.IsError) return found.Error;
        var order = found.Value.Order;
        if (Closed.Contains(order.Status)) return new Conflict($"an order in status '{order.Status.Display()}' cannot be edited");

        var customFields = order.CustomFields;
        if (r.CustomFields is not null)
        {
            var checkedFields = CustomFieldValues.Check(await fields.ListAsync(order.AccountId, ct), r.CustomFields, draft: order.Status == OrderStatus.OnHold);
            if (checkedFields.IsError) return checkedFields.Error;
            customFields = checkedFields.Value;
        }
        var recipients = order.AdditionalRecipients;
        if (r.AdditionalRecipients is not null)
        {
            var checkedRecipients = OrderInput.Recipients(r.AdditionalRecipients);
            if (checkedRecipients.IsError) return checkedRecipients.Error;
            recipients = checkedRecipients.Value;
        }
        var tags = order.Tags;
        if (r.Tags is not null)
        {
            var checkedTags = OrderInput.NamedTags(r.Tags);
            if (checkedTags.IsError) return checkedTags.Error;
            tags = checkedTags.Value;
        }

        var now = clock.GetUtcNow();
        if (!await details.UpdateDetailsAsync(id, customFields, tags, recipients, Closed, now, ct))
            return new Conflict("the order was closed meanwhile and was not edited");
        var edited = order with { CustomFields = customFields, AdditionalRecipients = recipients, Tags = tags, UpdatedAt = now };
        await orders.AuditAsync(caller.Actor, "order.details-edited", edited, order.Status, order.Status, origin, new
        {
            before = new { customFields = order.CustomFields, recipients = order.AdditionalRecipients, tags = order.Tags },
            after = new { customFields, recipients, tags },
        });
        return edited;
    }
}
