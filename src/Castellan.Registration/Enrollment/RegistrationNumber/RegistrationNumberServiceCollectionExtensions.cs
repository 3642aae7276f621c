using Microsoft.Extensions.DependencyInjection;

namespace Castellan.Registration.Enrollment.RegistrationNumber;

public static class RegistrationNumberServiceCollectionExtensions
{
    /// <summary>Registration-number enrolment (seed 002). Its store is registered by Castellan.Storage.</summary>
    public static IServiceCollection AddRegistrationNumberEnrolment(this IServiceCollection services)
    {
        services.AddSingleton<RegistrationServices>();
        services.AddSingleton<RegisterApplicant>();
        services.AddSingleton<ApplicantAccess>();
        services.AddSingleton<ApplicantProfile>();
        services.AddSingleton<RegistrationDesk>();
        return services;
    }
}
