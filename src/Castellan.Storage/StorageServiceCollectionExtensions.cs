using Castellan.Auditing;
using Castellan.Authority;
using Castellan.Authority.Contracts;
using Castellan.Registration.Contracts;
using Castellan.Storage.Stores;
using Castellan.Storage.Stores.Registration;
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
        services.AddPooledDbContextFactory<CastellanDb>((sp, db) => Configure(db, options, sp.GetRequiredService<DataDirectory>()));
        services.AddSingleton<ICaStore, CaStore>();
        services.AddSingleton<ICertificateStore, CertificateStore>();
        services.AddSingleton<IProfileStore, ProfileStore>();
        services.AddSingleton<IAuditLog, AuditLog>();
        services.AddSingleton<IApiKeyStore, ApiKeyStore>();
        services.AddSingleton<IAccountStore, AccountStore>();
        services.AddSingleton<IUserStore, UserStore>();
        services.AddSingleton<IActivationTokenStore, ActivationTokenStore>();
        services.AddSingleton<ICustomRoleStore, CustomRoleStore>();
        services.AddSingleton<INotificationOutbox, NotificationOutbox>();
        services.AddSingleton<DatabaseInitializer>();
        return services;
    }

    internal static void Configure(DbContextOptionsBuilder db, StorageOptions options, DataDirectory data)
    {
        switch (options.Provider.ToLowerInvariant())
        {
            case "sqlite":
                var cs = options.ConnectionString ?? $"Data Source={Path.Combine(data.Path, "castellan.db")};Pooling=True";
                db.UseSqlite(cs).AddInterceptors(new SqlitePragmas());
                break;
            case "postgres" or "postgresql":
                db.UseNpgsql(options.ConnectionString ?? throw new InvalidOperationException("Castellan:Storage:ConnectionString is required for PostgreSQL"));
                break;
            default:
                throw new InvalidOperationException($"unknown storage provider '{options.Provider}' (use sqlite or postgres)");
        }
    }
}

/// <summary>Brings the schema up to date at start-up.</summary>
public sealed class DatabaseInitializer(IDbContextFactory<CastellanDb> factory)
{
    public async Task InitialiseAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.EnsureCreatedAsync(ct);
    }
}
