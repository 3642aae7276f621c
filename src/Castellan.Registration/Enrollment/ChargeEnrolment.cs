using Castellan.Billing.Contracts;
using Castellan.Billing.Orders;
using Castellan.Billing.Refunds;
using Castellan.Registration.Contracts;
using Castellan.Registration.Products;

namespace Castellan.Registration.Enrollment;

/// <summary>
/// Seed 001 says nothing of payment: the invited people never pay, the organisation that invites them does (seed 003
/// "Finance": an account's orders are paid from its balance, its default group deducting from the account balance).
/// So an enrolment's certificate is charged to the inviting account when it is approved for issuance, at the
/// product's price for one certificate (a partner's price list for a sub-account applies, as for orders), through the
/// same ledger debit as an order: one journal keyed by the invitation, so a retried or racing approval never charges
/// twice, and a balance that does not cover it refuses with the orders' <see cref="OrderPaymentRefused"/> before
/// anything is signed. docs/flows/enrolment.md step 4.
/// </summary>
public sealed class ChargeEnrolment(IProductStore products, IAccountStore accounts, SubAccountPricing pricing, DebitOrder debits, RefundOrder refunds)
{
    public static string IdempotencyKey(string invitationId) => "enrolment:" + invitationId;

    /// <summary>The debit journal's id, or null when the certificate is free; nothing is posted on a refusal.</summary>
    public async Task<Result<string?>> ChargeAsync(Invitation invitation, EnrolmentPolicy policy, string actor, CancellationToken ct)
    {
        var product = await products.GetAsync(policy.ProductId, ct);
        if (product is null) return new NotFound("product", $"product '{policy.ProductId}' does not exist");
        var account = await accounts.GetAsync(invitation.AccountId, ct);
        if (account is null) return new NotFound("account", $"account '{invitation.AccountId}' does not exist");
        // One certificate with one name (the invited address), for the product's validity.
        var price = Pricing.Quote(await pricing.PricedForAsync(account, product, ct), product.ValidityDays, 1);
        if (price.IsError) return price.Error;
        if (price.Value == 0) return (string?)null;
        var debit = await debits.DebitAsync(new DebitOrderRequest(invitation.AccountId, null, invitation.Id, new Money(price.Value, product.Currency), actor,
            IdempotencyKey(invitation.Id)), ct);
        if (!debit.IsError) return debit.Value.Journal.Id;
        return debit.Error is InsufficientCredit or SpendLimitExceeded or CurrencyMismatch ? new OrderPaymentRefused(debit.Error) : debit.Error;
    }

    /// <summary>Gives a charge back when nothing was issued for it (issuance failed, or a rejection won the race).</summary>
    public async Task<string?> RefundAsync(string invitationId, string debitJournalId, string actor, CancellationToken ct)
    {
        var refunded = await refunds.RefundAsync(new RefundOrderRequest(debitJournalId, RefundReason.Rejected, actor, "refund:" + IdempotencyKey(invitationId)), ct);
        if (refunded.IsError) throw new InvalidOperationException($"refund of enrolment {invitationId} failed: {refunded.Error.Detail}");
        return refunded.Value.CreditNote.Id;
    }
}
