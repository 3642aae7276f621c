using Castellan.Registration.Access;
using Castellan.Registration.Accounts;
using Castellan.Registration.Domains;
using Castellan.Registration.Enrollment;
using Castellan.Registration.Enrollment.RegistrationNumber;
using Castellan.Registration.Notifications;
using Castellan.Registration.Orders;
using Castellan.Registration.Products;
using Castellan.Registration.Roles;
using Castellan.Registration.SecondFactor;
using Castellan.Registration.Users;
using Castellan.Registration.Dashboard;
using Castellan.Registration.SignIn;
using Castellan.Registration.IdentityProofing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Castellan.Registration;

public static class RegistrationServiceCollectionExtensions
{
    /// <summary>The RA. Its stores (accounts, users, tokens, roles, keys, outbox, products, orders) are registered by Castellan.Storage.</summary>
    public static IServiceCollection AddRegistration(this IServiceCollection services)
    {
        services.AddOptions<RegistrationOptions>().BindConfiguration("Castellan:Registration");
        services.AddSingleton<RoleCatalog>();
        services.AddSingleton<ActivationLinks>();
        services.AddSingleton<CallerCache>();
        services.AddSingleton<Castellan.Authority.Coordination.IAccessChangeListener>(sp => sp.GetRequiredService<CallerCache>());
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<UserService>();
        services.AddSingleton<CustomRoleService>();
        services.AddSingleton<ProductService>();
        services.AddSingleton<OrderService>();
        services.TryAddSingleton<ISecondFactorGate, TotpSecondFactorGate>();
        services.AddSingleton<SignIn.PasswordSignIn>();
        services.AddSingleton<SessionCallers>();
        services.AddSingleton<ReadDashboard>();
        services.AddOrderActions();
        services.AddSingleton<Enrollment.ProtocolEnrollment>();
        services.AddInvitationEnrolment();
        services.AddRegistrationNumberEnrolment();
        services.AddIdentityProofing();
        services.AddSingleton<DomainService>();
        services.AddSingleton<Organizations.OrganizationService>();
        services.AddSingleton<PreviewOrder>();
        services.AddSingleton<Certificates.AccountCertificates>();
        services.AddSingleton<Authorities.CaAdministration>();
        services.AddSingleton<Audit.ReadAuditLog>();
        services.AddSingleton<Groups.GroupService>();
        services.AddSingleton<Groups.OrderGroups>();
        services.AddSingleton<SubAccountPricing>();
        services.AddSingleton<Orders.Documents.OrderDocuments>();
        services.AddSingleton<Orders.Documents.DownloadDelegation>();
        services.AddRegistrationSecurity();
        return services;
    }

    /// <summary>Sign-in security (TOTP, client certificates, IP restrictions) and email notifications (templates, SMTP outbox dispatcher, reminders).</summary>
    public static IServiceCollection AddRegistrationSecurity(this IServiceCollection services)
    {
        services.AddOptions<SmtpOptions>().BindConfiguration("Castellan:Smtp");
        services.AddSingleton<Notifier>();
        services.AddSingleton<OrderNotifications>();
        services.AddSingleton<NotificationSettingsService>();
        services.AddSingleton<IMailTransport, SmtpTransport>();
        services.AddSingleton<OutboxDispatcher>();
        // The VA's DCV emails go through the same outbox (replaces the VA's direct-SMTP fallback).
        services.Replace(ServiceDescriptor.Singleton<Castellan.Validation.Contracts.IValidationMailer, OutboxValidationMailer>());
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddSingleton<RenewalReminders>();
        services.AddHostedService(sp => sp.GetRequiredService<RenewalReminders>());
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<TotpService>();
        services.AddSingleton<NetworkRestrictions>();
        services.AddSingleton<AccountSecurityService>();
        services.AddSingleton<ClientCertificateSignIn>();
        return services;
    }
}
