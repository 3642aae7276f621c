using Castellan.Registration.Orders.CustomFields;
using Microsoft.Extensions.DependencyInjection;

namespace Castellan.Registration.Orders;

public static class OrderActionsServiceCollectionExtensions
{
    /// <summary>The order actions beside <see cref="OrderService"/>: fulfilment, reissue, renewal, SAN changes, revocation, tracking, edits, search, custom fields.</summary>
    public static IServiceCollection AddOrderActions(this IServiceCollection services)
    {
        services.AddSingleton<Validation.OrderDomainValidation>();
        services.AddSingleton<Validation.VerifyOrderDomain>();
        services.AddSingleton<FulfilOrder>();
        services.AddSingleton<ReissueOrder>();
        services.AddSingleton<RenewOrder>();
        services.AddSingleton<ChangeSans>();
        services.AddSingleton<RevokeOrderCertificate>();
        services.AddSingleton<TrackingLinks>();
        services.AddSingleton<EditOrderDetails>();
        services.AddSingleton<OrderSearch>();
        services.AddSingleton<CustomFieldService>();
        services.AddSingleton<ReportingTags.ReportingTagService>();
        services.AddSingleton<RevokeSupersededService>();
        return services;
    }

    /// <summary>The RA's loops, for the server only (the CLI runs the same services without them).</summary>
    public static IServiceCollection AddRegistrationBackgroundServices(this IServiceCollection services) =>
        services.AddHostedService(sp => sp.GetRequiredService<RevokeSupersededService>());
}
