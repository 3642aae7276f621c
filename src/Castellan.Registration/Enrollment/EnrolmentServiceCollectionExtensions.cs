using Microsoft.Extensions.DependencyInjection;

namespace Castellan.Registration.Enrollment;

public static class EnrolmentServiceCollectionExtensions
{
    /// <summary>Invitation enrolment (seed 001). Its store is registered by Castellan.Storage.</summary>
    public static IServiceCollection AddInvitationEnrolment(this IServiceCollection services)
    {
        services.AddSingleton<EnrolmentPolicies>();
        services.AddSingleton<InviteApplicants>();
        services.AddSingleton<ChargeEnrolment>();
        services.AddSingleton<DecideEnrolment>();
        services.AddSingleton<SubmitEnrolment>();
        services.AddSingleton<CollectCertificate>();
        return services;
    }
}
