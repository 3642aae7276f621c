using Castellan.Auditing;
using Castellan.Authority;
using Castellan.Authority.Contracts;
using Castellan.Billing.Contracts;
using Castellan.Registration.Contracts;
using Castellan.Storage.Postgres;
using Castellan.Storage.Sqlite;
using Castellan.Storage.Stores;
using Castellan.Storage.Stores.Billing;
using Castellan.Storage.Stores.Registration;
using Castellan.Storage.Stores.Validation;
using Castellan.Validation.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Castellan.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the database (by <c>Castellan:Storage:Provider</c>) and every store the roles declare.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Castellan:Storage").Get<StorageOptions>() ?? new StorageOptions();
        services.AddSingleton(options);
        switch (options.Provider.ToLowerInvariant())
        {
            case "sqlite":
                services.AddPooledDbContextFactory<SqliteCastellanDb>((sp, db) =>
                    db.UseSqlite(SqliteConnectionString(options, sp.GetRequiredService<DataDirectory>())).AddInterceptors(new SqlitePragmas()));
                services.AddSingleton<IDbContextFactory<CastellanDb>, ProviderDbFactory<SqliteCastellanDb>>();
                services.AddSingleton<IStartupLock, FileStartupLock>();
                services.AddHostedService<SqliteCheckpoints>();
                break;
            case "postgres" or "postgresql":
                var cs = options.ConnectionString ?? throw new InvalidOperationException("Castellan:Storage:ConnectionString is required for PostgreSQL");
                services.AddPooledDbContextFactory<PostgresCastellanDb>(db => db.UseNpgsql(cs));
                services.AddSingleton<IDbContextFactory<CastellanDb>, ProviderDbFactory<PostgresCastellanDb>>();
                services.AddSingleton<IStartupLock>(new PostgresStartupLock(cs));
                break;
            default:
                throw new InvalidOperationException($"unknown storage provider '{options.Provider}' (use sqlite or postgres)");
        }
        services.AddSingleton<GroupCommit>();
        services.AddSingleton<ICaStore, CaStore>();
        services.AddSingleton<ICertificateStore, CertificateStore>();
        services.AddSingleton<IProfileStore, ProfileStore>();
        services.AddSingleton<IAuditLog, AuditLog>();
        services.AddSingleton<IApiKeyStore, ApiKeyStore>();
        services.AddSingleton<IChangeFeed, ChangeFeed>();
        services.AddSingleton<ILedgerStore, LedgerStore>();
        services.AddSingleton<IAccountStore, AccountStore>();
        services.AddSingleton<IUserStore, UserStore>();
        services.AddSingleton<IActivationTokenStore, ActivationTokenStore>();
        services.AddSingleton<ICustomRoleStore, CustomRoleStore>();
        services.AddSingleton<NotificationOutbox>();
        services.AddSingleton<INotificationOutbox>(sp => sp.GetRequiredService<NotificationOutbox>());
        services.AddSingleton<IOutboxDelivery>(sp => sp.GetRequiredService<NotificationOutbox>());
        services.AddSingleton<ISecondFactorStore, SecondFactorStore>();
        services.AddSingleton<IAccessRestrictionStore, AccessRestrictionStore>();
        services.AddSingleton<IClientCertificateStore, ClientCertificateStore>();
        services.AddSingleton<INotificationSettingsStore, NotificationSettingsStore>();
        services.AddSingleton<IProductStore, ProductStore>();
        services.AddSingleton<IOrderStore, OrderStore>();
        services.AddSingleton<IDashboardReadModel, DashboardReadModel>();
        services.AddSingleton<IOrderDetailsStore, OrderStore>();
        services.AddSingleton<ICustomFieldStore, CustomFieldStore>();
        services.AddSingleton<IReportingTagStore, ReportingTagStore>();
        services.AddSingleton<ISendWindowStore, SendWindowStore>();
        services.AddSingleton<Castellan.Protocols.Acme.Contracts.IAcmeStore, Stores.Protocols.AcmeStore>();
        services.AddSingleton<IDomainStore, DomainStore>();
        services.AddSingleton<IOrganizationStore, OrganizationStore>();
        services.AddSingleton<IGroupStore, GroupStore>();
        services.AddSingleton<IPriceListStore, PriceListStore>();
        services.AddSingleton<IOrderDocumentStore, OrderDocumentStore>();
        services.AddSingleton<IDownloadDelegationStore, DownloadDelegationStore>();
        services.AddSingleton<IOrderValidationStore, OrderValidationStore>();
        services.AddSingleton<IEnrolmentStore, EnrolmentStore>();
        services.AddSingleton<IRegistrationNumberStore, RegistrationNumberStore>();
        services.AddSingleton<IIdentityProofingStore, Stores.IdentityProofing.IdentityProofingStore>();
        services.AddSingleton<IProofingPolicyStore, Stores.IdentityProofing.ProofingPolicyStore>();
        services.AddSingleton<IValidationEvidenceStore, ValidationEvidenceStore>();
        services.AddSingleton<IEmailChallengeStore, EmailChallengeStore>();
        services.AddSingleton<IAccountCertificateStore, AccountCertificateStore>();
        services.AddSingleton<IAuditSearch, AuditLog>();
        services.AddSingleton<DatabaseInitializer>();
        return services;
    }

    private static string SqliteConnectionString(StorageOptions options, DataDirectory data) =>
        options.ConnectionString ?? $"Data Source={Path.Combine(data.Path, "castellan.db")};Pooling=True";
}

/// <summary>The stores ask for the provider-neutral schema; each provider's context carries its own migrations.</summary>
internal sealed class ProviderDbFactory<TDb>(IDbContextFactory<TDb> inner) : IDbContextFactory<CastellanDb> where TDb : CastellanDb
{
    public CastellanDb CreateDbContext() => inner.CreateDbContext();

    public async Task<CastellanDb> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}

/// <summary>Brings the schema up to date at start-up by applying the provider's EF Core migrations.</summary>
public sealed class DatabaseInitializer(IDbContextFactory<CastellanDb> factory)
{
    /// <summary>Run under <see cref="IStartupLock"/>: two nodes must not migrate the same database at once.</summary>
    public async Task InitialiseAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
    }
}
