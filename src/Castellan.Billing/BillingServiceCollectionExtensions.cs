using Castellan.Billing.Credits;
using Castellan.Billing.Groups;
using Castellan.Billing.Ledger;
using Castellan.Billing.Orders;
using Castellan.Billing.Refunds;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Castellan.Billing;

public static class BillingServiceCollectionExtensions
{
    /// <summary>The billing role's use cases. Storage (ILedgerStore, IAuditLog) is registered by Castellan.Storage.</summary>
    public static IServiceCollection AddBilling(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LedgerPoster>();
        services.AddSingleton<CreditAccount>();
        services.AddSingleton<ConfigureGroupFinance>();
        services.AddSingleton<AllocateToGroup>();
        services.AddSingleton<DebitOrder>();
        services.AddSingleton<RefundOrder>();
        return services;
    }
}
