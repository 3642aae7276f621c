using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Issuance;
using Castellan.Billing.Contracts;
using Castellan.Billing.Orders;
using Castellan.Billing.Refunds;
using Castellan.Registration.Access;
using Castellan.Registration.Contracts;
using Castellan.Registration.Products;
using Castellan.Registration.Roles;

namespace Castellan.Registration.Orders;

/// <summary>Whether a caller may act on an order as its manager (or placer) and as an approver.</summary>
public sealed record OrderRights(bool Manage, bool Approve);

/// <summary>An order as returned by a use case; <see cref="Replayed"/> when the idempotency key found an earlier order.</summary>
public sealed record OrderOutcome(Order Order, bool Replayed = false);

/// <summary>
/// Orders (docs/flows/orders.md). Every status change goes through <see cref="OrderStateMachine"/> and is written by
/// one conditional UPDATE on the current status, so two racing actions cannot both succeed; every action is audited
/// with its actor and the status before and after. Money moves through Castellan.Billing: placing debits
/// (<see cref="DebitOrder"/>), cancelling or rejecting a paid order refunds (<see cref="RefundOrder"/>).
/// </summary>
public sealed class OrderService(
    IOrderStore orders,
    IProductStore products,
    IAccountStore accounts,
    DebitOrder debits,
    RefundOrder refunds,
    ILedgerStore ledger,
    IssueCertificate issuer,
    IAuditLog audit,
    TimeProvider clock,
    ICustomFieldStore customFields,
    Notifications.OrderNotifications notices,
    IDomainStore domains,
    Groups.OrderGroups orderGroups,
    Products.SubAccountPricing subAccountPricing,
    Validation.OrderDomainValidation dcv,
    Organizations.OrganizationService organizations)
{
    private static readonly OrderStatus[] CsrAccepted = [OrderStatus.OnHold, OrderStatus.PendingApproval, OrderStatus.PendingParentApproval, OrderStatus.Accepted];

    /// <summary>Steps 1-6 of docs/flows/orders.md: check, replay or price, pay, record, issue.</summary>
    public async Task<Result<OrderOutcome>> PlaceAsync(Caller caller, string? idempotencyKey, PlaceOrderRequest r, RequestOrigin origin, CancellationToken ct)
    {
        // 1. The key, the account and the caller's right to order in it.
        if (OrderInput.Key(idempotencyKey) is { } badKey) return badKey;
        var key = idempotencyKey!;
        var accountId = string.IsNullOrWhiteSpace(r.AccountId) ? caller.AccountId : r.AccountId.Trim();
        var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(accountId, ct), Permission.CertificatesRequest, accountId);
        if (account.IsError) return account.Error;
        if (account.Value.Status != AccountStatus.Active) return new Conflict($"account '{accountId}' is not active");

        // 2. The same key with the same body is the same order; with another body it is refused.
        var fingerprint = OrderInput.Fingerprint(caller.Actor, r);
        if (await orders.FindByIdempotencyKeyAsync(accountId, key, ct) is { } earlier)
            return earlier.Fingerprint == fingerprint ? new OrderOutcome(earlier, Replayed: true) : new OrderKeyReused(key);

        // 3. Everything about the request is checked before any money moves.
        var product = await products.GetAsync(r.ProductId?.Trim() ?? "", ct);
        if (product is null || !ProductService.AvailableTo(product, account.Value)) return new NotFound("product", $"product '{r.ProductId}' does not exist");
        if (product.Disabled) return new Conflict($"product '{product.Id}' is disabled and takes no new orders") { Field = "productId" };
        var days = r.ValidityDays ?? product.ValidityDays;
        if (days < 1 || days > product.ValidityDays)
            return new PolicyViolation("order.validity", $"'validityDays' must be 1 to {product.ValidityDays} for product '{product.Id}'");
        var sans = OrderInput.Sans(r.Sans);
        if (sans.IsError) return sans.Error;
        var csr = OrderInput.Csr(r.Csr);
        if (csr.IsError) return csr.Error;
        // Seed 003: a name the account's administrator restricted refuses the whole order, before any money moves.
        if (await Domains.DomainRestrictions.CheckAsync(domains, accountId, OrderDnsNames(sans.Value, csr.Value), ct) is { } restricted) return restricted;
        var remarks = OrderInput.Remarks(r.Remarks);
        if (remarks.IsError) return remarks.Error;
        var tags = OrderInput.Tags(r.ReportingTags);
        if (tags.IsError) return tags.Error;
        var recipients = OrderInput.Recipients(r.AdditionalRecipients);
        if (recipients.IsError) return recipients.Error;
        var requesterName = Users.Fields.Name(r.RequesterName, "requesterName", required: false);
        if (requesterName.IsError) return requesterName.Error;
        var requesterMobile = Users.Fields.Mobile(r.RequesterMobile);
        if (requesterMobile.IsError) return new MalformedInput("'requesterMobile' must be a phone number of at most 32 characters");
        var subject = string.IsNullOrWhiteSpace(r.Subject) ? null : r.Subject.Trim();
        if (subject is { Length: > 1024 }) return new MalformedInput("the subject is longer than 1024 characters");
        // Issue 3 item 7: the name shape a built-in TLS product sells; OV/EV put the verified organisation in the subject.
        var kind = BuiltInProducts.KindOf(product.Id);
        if (kind is not null && ProductNames.Check(product, kind, OrderDnsNames(sans.Value, csr.Value)) is { } badNames) return badNames;
        string? organizationId = null;
        if (kind is { NeedsOrganization: true })
        {
            var org = await organizations.ForOrderAsync(accountId, r.OrganizationId, kind.Level, ct);
            if (org.IsError) return org.Error;
            organizationId = org.Value.Id;
            subject = ProductNames.OrganizationSubject(org.Value, kind, OrderDnsNames(sans.Value, csr.Value));
        }
        // Seed 003 "Group Selection": the named group (else the default one), if this user may use it and the names are in its scope.
        var group = await orderGroups.ResolveAsync(caller, accountId, r.GroupId, OrderDnsNames(sans.Value, csr.Value), subject, csr.Value?.Subject, ct);
        if (group.IsError) return group.Error;
        var groupId = group.Value;
        // Subscription coverage, custom fields (field-level errors) and named tags: also before any money moves.
        var extras = await PlacementExtras.CheckAsync(customFields, accountId, r, days, ct);
        if (extras.IsError) return extras.Error;
        var dcvMethod = Validation.OrderDomainValidation.ParseMethod(r.ValidationMethod);
        if (dcvMethod.IsError) return dcvMethod.Error;

        // The price covers the names on the order, or the CSR's when the order names none (seed 003: extra SANs are priced).
        // Issue 3 item 7: a partner's price list for this sub-account overrides the catalogue price.
        var price = Pricing.Quote(await subAccountPricing.PricedForAsync(account.Value, product, ct), days, NameCount(sans.Value, csr.Value), extras.Value.CoverageYears);
        if (price.IsError) return price.Error;

        // 4. The status the order starts in: a draft is On Hold; Standard and Basic Users need their administrator.
        OrderStatus status = OrderStatus.OnHold;
        if (!r.SaveAsDraft)
        {
            var next = OrderStateMachine.Next(OrderStatus.OnHold, PlaceTrigger(caller, account.Value, product));
            if (next.IsError) return next.Error;
            status = next.Value;
        }

        var now = clock.GetUtcNow();
        var order = new Order(OrderInput.OrderId(accountId, key), accountId, groupId, product.Id, status, r.Csr?.Trim() is { Length: > 0 } text ? text : null,
            sans.Value, subject, days, remarks.Value, tags.Value, recipients.Value, price.Value, product.Currency, caller.Actor, key, fingerprint, now, now);
        order = extras.Value.ApplyTo(order, now, r.RenewalOf) with
        {
            RequesterName = requesterName.Value is { Length: > 0 } n ? n : null, RequesterMobile = requesterMobile.Value,
        };

        // 5. Pay first: a refused payment leaves neither an order nor a debit. The debit is keyed by the order id, so
        //    a retry after a crash between 5 and 6 finds the same journal instead of charging twice.
        if (!r.SaveAsDraft)
        {
            var paid = await PayAsync(order, caller.Actor, ct);
            if (paid.IsError) return paid.Error;
            order = order with { DebitJournalId = paid.Value };
        }

        // 6. Record. A concurrent request with the same key got here first: answer as that one.
        if (!await orders.AddAsync(order, ct))
        {
            var winner = await orders.FindByIdempotencyKeyAsync(accountId, key, ct);
            if (winner is null) return new Conflict("the order could not be recorded; retry with the same Idempotency-Key");
            return winner.Fingerprint == fingerprint ? new OrderOutcome(winner, Replayed: true) : new OrderKeyReused(key);
        }
        await AuditAsync(caller.Actor, "order.placed", order, null, order.Status, origin, new { product = product.Id, price = order.PriceMinor, currency = order.Currency, debit = order.DebitJournalId, draft = r.SaveAsDraft, organization = organizationId });

        // 7. Domain control (names of a product that needs it): covered by earlier proof, or a challenge per name.
        //    An accepted order with a CSR and every name valid is issued at once when its product says so.
        if (!r.SaveAsDraft) await dcv.PrepareAsync(order, product, dcvMethod.Value, ct);
        return new OrderOutcome(await IssueIfReadyAsync(order, product, caller.Actor, origin, ct));
    }

    /// <summary>Places a draft (On Hold): pays, then moves it on like a new order.</summary>
    public async Task<Result<Order>> PlaceDraftAsync(Caller caller, string id, RequestOrigin origin, CancellationToken ct)
    {
        var found = await FindForActionAsync(caller, id, Permission.OrdersManage, ownerMay: true, ct);
        if (found.IsError) return found.Error;
        var (order, account) = found.Value;
        var product = await products.GetAsync(order.ProductId, ct);
        if (product is null) return new Conflict($"product '{order.ProductId}' no longer exists");
        var next = OrderStateMachine.Next(order.Status, PlaceTrigger(caller, account, product));
        if (next.IsError) return next.Error;
        var paid = await PayAsync(order, caller.Actor, ct);
        if (paid.IsError) return paid.Error;
        if (!await orders.TransitionAsync(id, new OrderChange(OrderStatus.OnHold, next.Value, clock.GetUtcNow()) { DebitJournalId = paid.Value }, ct))
        {
            var now = await orders.GetAsync(id, ct);
            // A concurrent place used the same debit (keyed by the order id); anything else means the draft was
            // cancelled or rejected meanwhile, and the money goes back.
            if (now is not null && now.DebitJournalId == paid.Value) return now;
            if (paid.Value is { } journal) await RefundAsync(id, journal, RefundReason.Cancelled, caller.Actor, ct);
            return new Conflict($"the order is now '{now?.Status.Display()}' and was not placed");
        }
        var placed = order with { Status = next.Value, DebitJournalId = paid.Value };
        await AuditAsync(caller.Actor, "order.placed", placed, order.Status, placed.Status, origin, new { price = order.PriceMinor, currency = order.Currency, debit = paid.Value });
        return await IssueIfReadyAsync(placed, product, caller.Actor, origin, ct);
    }

    /// <summary>An administrator approves an order pending approval; it is issued at once when it has a CSR.</summary>
    /// <summary>
    /// Approves an order pending approval. <paramref name="checkedItems"/> are the product's checklist items the approver
    /// ticked (<see cref="ApprovalChecklist"/>): all are required when the product has a checklist, and the audit
    /// entry records them.
    /// </summary>
    public async Task<Result<Order>> ApproveAsync(Caller caller, string id, IReadOnlyCollection<string>? checkedItems, RequestOrigin origin, CancellationToken ct)
    {
        var found = await FindForActionAsync(caller, id, Permission.OrdersApprove, ownerMay: false, ct);
        if (found.IsError) return found.Error;
        var order = found.Value.Order;
        var product = await products.GetAsync(order.ProductId, ct);
        var ticked = product is null ? new List<string>() : ApprovalChecklist.Check(product, checkedItems);
        if (ticked.IsError) return ticked.Error;
        var moved = await MoveAsync(caller, order, OrderTrigger.Approve, null, "order.approved", origin, ct, ticked.Value);
        if (moved.IsError) return moved.Error;
        return product is null ? moved.Value : await IssueIfReadyAsync(moved.Value, product, caller.Actor, origin, ct);
    }

    /// <summary>Rejects with a reason; a paid order is refunded.</summary>
    public async Task<Result<Order>> RejectAsync(Caller caller, string id, string? reason, RequestOrigin origin, CancellationToken ct)
    {
        var text = OrderInput.Remarks(reason, "reason", required: true);
        if (text.IsError) return text.Error;
        var found = await FindForActionAsync(caller, id, Permission.OrdersApprove, ownerMay: false, ct);
        if (found.IsError) return found.Error;
        return await MoveAsync(caller, found.Value.Order, OrderTrigger.Reject, text.Value, "order.rejected", origin, ct);
    }

    /// <summary>Seed 003 "Cancel A Pending Certificate Order": with cancellation remarks; a paid order is refunded.</summary>
    public async Task<Result<Order>> CancelAsync(Caller caller, string id, string? remarks, RequestOrigin origin, CancellationToken ct)
    {
        var text = OrderInput.Remarks(remarks, "remarks", required: true);
        if (text.IsError) return text.Error;
        var found = await FindForActionAsync(caller, id, Permission.OrdersManage, ownerMay: true, ct);
        if (found.IsError) return found.Error;
        return await MoveAsync(caller, found.Value.Order, OrderTrigger.Cancel, text.Value, "order.cancelled", origin, ct);
    }

    /// <summary>A CSR skipped when ordering is submitted later; an accepted order is then issued.</summary>
    public async Task<Result<Order>> SubmitCsrAsync(Caller caller, string id, string? csrText, RequestOrigin origin, CancellationToken ct)
    {
        var csr = OrderInput.Csr(csrText);
        if (csr.IsError) return csr.Error;
        if (csr.Value is null) return new MalformedInput("'csr' is required (PEM PKCS#10)");
        var found = await FindForActionAsync(caller, id, Permission.OrdersManage, ownerMay: true, ct);
        if (found.IsError) return found.Error;
        var order = found.Value.Order;
        if (order.Csr is not null) return new Conflict("the order already has a CSR");
        if (!CsrAccepted.Contains(order.Status)) return new Conflict($"an order in status '{order.Status.Display()}' takes no CSR");
        var product = await products.GetAsync(order.ProductId, ct);
        if (product is null) return new Conflict($"product '{order.ProductId}' no longer exists");
        // The order was priced for its names; a CSR asking for more is an add-SAN order, not a free upgrade.
        if (order.Sans.Count == 0 && Pricing.Quote(product, order.ValidityDays, csr.Value.RequestedSans.Count) is { IsError: false } quote && quote.Value > order.PriceMinor)
            return new PolicyViolation("order.sans", $"the CSR names {csr.Value.RequestedSans.Count} names, more than this order paid for");
        if (!await orders.SetCsrAsync(id, csrText!.Trim(), CsrAccepted, clock.GetUtcNow(), ct))
            return new Conflict("the order changed meanwhile and took no CSR");
        var updated = await orders.GetAsync(id, ct) ?? order;
        await AuditAsync(caller.Actor, "order.csr-submitted", updated, order.Status, updated.Status, origin, null);
        return await IssueIfReadyAsync(updated, product, caller.Actor, origin, ct);
    }

    /// <summary>An order the caller may see: in a reachable account, and the caller's own unless it may view the account's orders.</summary>
    public async Task<Result<Order>> GetAsync(Caller caller, string id, CancellationToken ct)
    {
        var order = await orders.GetAsync(id, ct);
        if (order is null) return NotFound(id);
        var account = await accounts.GetAsync(order.AccountId, ct);
        var permissions = account is null ? null : AccessPolicy.On(caller, account);
        if (permissions is null || !MaySee(caller, permissions, order)) return NotFound(id);
        return order;
    }

    /// <summary>Orders of one account (the caller's by default; operator staff: every account when none is named), newest first.</summary>
    public async Task<Result<(IReadOnlyList<Order> Items, int Total)>> ListAsync(Caller caller, string? accountId, OrderStatus? status, string? productId, int skip, int take, CancellationToken ct)
    {
        string? scope = string.IsNullOrWhiteSpace(accountId) ? (caller.IsOperator ? null : caller.AccountId) : accountId.Trim();
        string? placedBy = null;
        if (scope is not null)
        {
            var account = AccessPolicy.Authorize(caller, await accounts.GetAsync(scope, ct), Permission.OrdersViewOwn, scope);
            if (account.IsError) return account.Error;
            if (!SeesAll(AccessPolicy.On(caller, account.Value)!)) placedBy = caller.Actor;
        }
        else if (!SeesAll(caller.Permissions))
        {
            placedBy = caller.Actor;
        }
        return await orders.ListAsync(new OrderQuery(scope, placedBy, status, productId, skip, take), ct);
    }

    public static string Code(OrderStatus status) => status switch
    {
        OrderStatus.OnHold => "on-hold",
        OrderStatus.PendingApproval => "pending-approval",
        OrderStatus.PendingParentApproval => "pending-parent-approval",
        OrderStatus.InProgress => "in-progress",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static OrderStatus? ParseStatus(string? code) =>
        Enum.GetValues<OrderStatus>().Cast<OrderStatus?>().FirstOrDefault(s => string.Equals(Code(s!.Value), code?.Trim(), StringComparison.OrdinalIgnoreCase));

    private static NotFound NotFound(string id) => new("order", $"order '{id}' does not exist");

    private static bool SeesAll(IReadOnlySet<Permission> p) =>
        p.Contains(Permission.OrdersViewAll) || p.Contains(Permission.OrdersApprove) || p.Contains(Permission.OrdersManage);

    private static bool MaySee(Caller caller, IReadOnlySet<Permission> p, Order order) =>
        SeesAll(p) || (p.Contains(Permission.OrdersViewOwn) && order.PlacedBy == caller.Actor);

    /// <summary>
    /// Seed 003: "Administrator approval is required only when the order is placed by a Standard User or Basic User";
    /// a custom role without <see cref="Permission.OrdersApprove"/> is treated the same. A Sub Account User's order
    /// waits for the parent partner. A product with auto-approve skips the administrator.
    /// </summary>
    private static OrderTrigger PlaceTrigger(Caller caller, Account account, Product product)
    {
        if (caller.IsOperator || product.AutoApprove) return OrderTrigger.Place;
        if (caller.Role == BuiltInRoles.SubAccountUser.Id && account.ParentId is not null) return OrderTrigger.PlaceForParentApproval;
        var builtIn = BuiltInRoles.All.FirstOrDefault(role => role.Id == caller.Role);
        var needsApproval = builtIn is not null ? BuiltInRoles.NeedsAdministratorApproval(builtIn) : !caller.Permissions.Contains(Permission.OrdersApprove);
        return needsApproval ? OrderTrigger.PlaceNeedingApproval : OrderTrigger.Place;
    }

    private static string[] OrderDnsNames(IReadOnlyList<string> sans, ParsedCsr? csr) =>
        [.. sans.Where(s => s.StartsWith("dns:", StringComparison.Ordinal)).Select(s => s[4..]),
         .. (csr?.RequestedSans ?? []).Where(s => s.Type == SanType.Dns).Select(s => s.Value)];

    private static int NameCount(IReadOnlyList<string> sans, ParsedCsr? csr) => sans.Count > 0 ? sans.Count : csr?.RequestedSans.Count ?? 0;

    /// <summary>The debit journal id; null for a free order. Billing refusals keep their meaning but read as "not paid".</summary>
    internal async Task<Result<string?>> PayAsync(Order order, string actor, CancellationToken ct)
    {
        if (order.PriceMinor == 0) return (string?)null;
        var debit = await debits.DebitAsync(new DebitOrderRequest(order.AccountId, order.GroupId, order.Id, new Money(order.PriceMinor, order.Currency), actor, "order:" + order.Id), ct);
        if (!debit.IsError) return debit.Value.Journal.Id;
        return debit.Error switch
        {
            InsufficientCredit or SpendLimitExceeded or CurrencyMismatch => new OrderPaymentRefused(debit.Error),
            IdempotencyKeyReused => new OrderKeyReused(order.IdempotencyKey),
            _ => debit.Error,
        };
    }

    /// <summary>
    /// What the caller may do to <paramref name="order"/> by the rules each action checks again (<see cref="FindForActionAsync"/>):
    /// screens offer only these, so what they show and what the RA allows cannot drift apart.
    /// </summary>
    public async Task<OrderRights> RightsAsync(Caller caller, Order order, CancellationToken ct)
    {
        var account = await accounts.GetAsync(order.AccountId, ct);
        var permissions = account is null ? null : AccessPolicy.On(caller, account);
        if (permissions is null || !MaySee(caller, permissions, order)) return new OrderRights(false, false);
        var owner = order.PlacedBy == caller.Actor && permissions.Contains(Permission.CertificatesRequest);
        return new OrderRights(permissions.Contains(Permission.OrdersManage) || owner, permissions.Contains(Permission.OrdersApprove));
    }

    internal async Task<Result<(Order Order, Account Account)>> FindForActionAsync(Caller caller, string id, Permission needed, bool ownerMay, CancellationToken ct)
    {
        var order = await orders.GetAsync(id, ct);
        if (order is null) return NotFound(id);
        var account = await accounts.GetAsync(order.AccountId, ct);
        var permissions = account is null ? null : AccessPolicy.On(caller, account);
        if (permissions is null || !MaySee(caller, permissions, order)) return NotFound(id);
        var allowed = permissions.Contains(needed) || (ownerMay && order.PlacedBy == caller.Actor && permissions.Contains(Permission.CertificatesRequest));
        return allowed ? (order, account!) : new Forbidden($"this caller lacks the '{needed}' permission on order '{id}'");
    }

    /// <summary>One state-machine step written conditionally; a cancellation or rejection of a paid order is refunded.</summary>
    private async Task<Result<Order>> MoveAsync(Caller caller, Order order, OrderTrigger trigger, string? reason, string action, RequestOrigin origin, CancellationToken ct,
        IReadOnlyList<string>? checkedItems = null)
    {
        // A crash between a durable cancellation (or rejection) and its refund leaves a paid order closed but not
        // refunded; repeating the same action finishes the refund (keyed by the order id, so it never pays twice).
        if (await UnrefundedAsync(order, trigger, ct) is { } debitToReturn)
        {
            var note = await RefundAsync(order.Id, debitToReturn, trigger == OrderTrigger.Reject ? RefundReason.Rejected : RefundReason.Cancelled, caller.Actor, ct);
            await AuditAsync(caller.Actor, action + "-refund-completed", order, order.Status, order.Status, origin, new { creditNote = note });
            return order;
        }
        var next = OrderStateMachine.Next(order.Status, trigger);
        if (next.IsError) return next.Error;
        if (!await orders.TransitionAsync(order.Id, new OrderChange(order.Status, next.Value, clock.GetUtcNow()) { StatusReason = reason }, ct))
        {
            var now = await orders.GetAsync(order.Id, ct);
            return new Conflict($"the order changed meanwhile and is now '{now?.Status.Display()}'");
        }
        var moved = order with { Status = next.Value, StatusReason = reason ?? order.StatusReason };
        string? creditNote = null;
        if (OrderStateMachine.Refunds(order.Status, next.Value) && order.DebitJournalId is { } debit)
            creditNote = await RefundAsync(order.Id, debit, trigger == OrderTrigger.Reject ? RefundReason.Rejected : RefundReason.Cancelled, caller.Actor, ct);
        // An approval of a product with a checklist records what the approver confirmed (seed 003 "Approval panel").
        object detail = checkedItems is { Count: > 0 } ? new { reason, creditNote, checkedItems } : new { reason, creditNote };
        await AuditAsync(caller.Actor, action, moved, order.Status, moved.Status, origin, detail);
        return moved;
    }

    /// <summary>The debit of an order already closed by <paramref name="trigger"/> whose refund never happened; null otherwise.</summary>
    private async Task<string?> UnrefundedAsync(Order order, OrderTrigger trigger, CancellationToken ct)
    {
        var closedBy = trigger switch { OrderTrigger.Cancel => OrderStatus.Cancelled, OrderTrigger.Reject => OrderStatus.Rejected, _ => (OrderStatus?)null };
        if (closedBy != order.Status || order.DebitJournalId is not { } debit) return null;
        return await ledger.FindCreditNoteByDebitAsync(debit, ct) is null ? debit : null;
    }

    /// <summary>The status change is already durable; the refund is keyed by the order id, so retrying it is safe.</summary>
    private async Task<string?> RefundAsync(string orderId, string debitJournalId, RefundReason reason, string actor, CancellationToken ct)
    {
        var refunded = await refunds.RefundAsync(new RefundOrderRequest(debitJournalId, reason, actor, "refund:" + orderId), ct);
        if (refunded.IsError) throw new InvalidOperationException($"refund of order {orderId} failed after its status changed: {refunded.Error.Detail}");
        return refunded.Value.CreditNote.Id;
    }

    /// <summary>
    /// Issues an accepted order that has a CSR, when its product issues automatically. Claiming the order
    /// (Accepted -> In Progress) is conditional, so approving and submitting a CSR at the same moment issue once.
    /// A failure leaves the order In Progress with the reason; it can still be cancelled (and refunded).
    /// </summary>
    internal async Task<Order> IssueIfReadyAsync(Order order, Product product, string actor, RequestOrigin origin, CancellationToken ct)
    {
        if (order.Status is not (OrderStatus.Accepted or OrderStatus.PendingApproval or OrderStatus.PendingParentApproval)) return order;
        var pending = await dcv.PendingAsync(order, product, ct); // creates the per-name challenges once the names are known
        if (order.Status != OrderStatus.Accepted || order.Csr is null || product.ApprovalMode != ApprovalMode.Automatic) return order;
        if (pending.IsError || pending.Value.Count > 0) return order; // waits for POST /orders/{id}/validations/{name}/verify
        return await IssueAcceptedAsync(order, product, actor, origin, ct);
    }

    /// <summary>
    /// Claims an accepted order with a CSR (Accepted -> In Progress, conditionally) and issues it, whatever the
    /// product's approval mode: the automatic path above, an RA officer's fulfilment or an API decision (FulfilOrder).
    /// </summary>
    internal async Task<Order> IssueAcceptedAsync(Order order, Product product, string actor, RequestOrigin origin, CancellationToken ct)
    {
        // Domain control of every name, then CAA right before signing (BR 3.2.2.8); a refusal leaves the order
        // Accepted (payable, cancellable, refundable) with the reason, audited.
        if (await Validation.IssuanceChecks.BlockedAsync(dcv, order, product, ct) is { } blocked)
        {
            await orders.TransitionAsync(order.Id, new OrderChange(OrderStatus.Accepted, OrderStatus.Accepted, clock.GetUtcNow()) { StatusReason = blocked.Detail }, ct);
            var held = order with { StatusReason = blocked.Detail };
            await AuditAsync(actor, blocked is DomainControlPending ? "order.domain-validation-pending" : "order.caa-refused", held, order.Status, held.Status, origin, new { reason = blocked.Detail });
            return held;
        }
        if (!await orders.TransitionAsync(order.Id, new OrderChange(OrderStatus.Accepted, OrderStatus.InProgress, clock.GetUtcNow()), ct))
            return await orders.GetAsync(order.Id, ct) ?? order;
        var request = new IssuanceRequest
        {
            ProfileId = product.ProfileId, IssuerId = product.IssuerId, Csr = order.Csr, Subject = order.Subject,
            Sans = order.Sans.Count > 0 ? order.Sans : null, ValidityDays = Subscriptions.CertificateDays(order, clock.GetUtcNow()), RequestedBy = actor,
        };
        var issued = await issuer.FromCsrAsync(request, ct);
        if (issued.IsError)
        {
            var reason = "issuance failed: " + issued.Error.Detail;
            await orders.TransitionAsync(order.Id, new OrderChange(OrderStatus.InProgress, OrderStatus.InProgress, clock.GetUtcNow()) { StatusReason = reason }, ct);
            var stuck = order with { Status = OrderStatus.InProgress, StatusReason = reason };
            await AuditAsync(actor, "order.issuance-failed", stuck, OrderStatus.Accepted, OrderStatus.InProgress, origin, new { reason });
            return stuck;
        }
        var serial = issued.Value.Certificate.Serial.Hex;
        await orders.TransitionAsync(order.Id, new OrderChange(OrderStatus.InProgress, OrderStatus.Fulfilled, clock.GetUtcNow()) { CertificateSerial = serial }, ct);
        var fulfilled = order with { Status = OrderStatus.Fulfilled, CertificateSerial = serial };
        await AuditAsync(actor, "order.fulfilled", fulfilled, OrderStatus.Accepted, OrderStatus.Fulfilled, origin, new { serial, profile = product.ProfileId });
        return fulfilled;
    }

    internal async Task AuditAsync(string actor, string action, Order order, OrderStatus? from, OrderStatus to, RequestOrigin origin, object? extra)
    {
        await audit.AppendAsync(new AuditEvent(actor, action, $"order:{order.Id}", JsonSerializer.Serialize(new
        {
            order = order.Id, account = order.AccountId, from = from is { } f ? Code(f) : null, to = Code(to), details = extra,
        }), origin.Address), CancellationToken.None);
        await notices.OrderChangedAsync(action, order, CancellationToken.None); // issue 3 item 12: the emails that follow each audited change
    }
}
