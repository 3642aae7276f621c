using System.Text.Json;
using Castellan.Auditing;
using Castellan.Billing.Contracts;
using Castellan.Billing.Ledger;

namespace Castellan.Billing.Groups;

/// <summary>
/// Seed 003 group "Finance" settings: the finance mode and "Enforce Spend Limit" with its threshold amount. The RA
/// calls this when a group is created or edited. A group keeps its account and currency for life, because its
/// balance and spending history are in that currency.
/// </summary>
public sealed class ConfigureGroupFinance(ILedgerStore store, IAuditLog audit)
{
    public async Task<Result<GroupFinance>> ConfigureAsync(GroupFinance finance, string actor, CancellationToken ct)
    {
        if (Validate.First(Validate.Id(finance.GroupId, "groupId"), Validate.Id(finance.AccountId, "accountId"), Validate.Id(actor, "actor")) is { } invalid)
            return invalid;
        if (!Money.IsCurrencyCode(finance.Currency)) return new MalformedInput($"'{finance.Currency}' is not an ISO 4217 currency code");
        if (!Enum.IsDefined(finance.Mode)) return new MalformedInput("unknown finance mode");
        if (!Enum.IsDefined(finance.Period)) return new MalformedInput("unknown spend period");
        if (finance.SpendLimitMinor is < 0) return new MalformedInput("the spend limit must not be negative");
        var existing = await store.FindGroupFinanceAsync(finance.GroupId, ct);
        if (existing is not null && existing.AccountId != finance.AccountId)
            return new Conflict($"group {finance.GroupId} belongs to another account");
        if (existing is not null && existing.Currency != finance.Currency)
            return new CurrencyMismatch(existing.Currency, finance.Currency);
        await store.SaveGroupFinanceAsync(finance, ct);
        await audit.AppendAsync(new AuditEvent(actor, "billing.group-finance-configured", $"billing-group:{finance.GroupId}", JsonSerializer.Serialize(new
        {
            group = finance.GroupId, account = finance.AccountId, mode = finance.Mode.ToString(), currency = finance.Currency,
            spendLimit = finance.SpendLimitMinor, period = finance.Period.ToString(),
        })), CancellationToken.None);
        return finance;
    }
}
