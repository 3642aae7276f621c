using Castellan.Billing;
using Castellan.Registration;
using Castellan.Authority;
using Castellan.Authority.Hierarchy;
using Castellan.Storage;
using Castellan.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Castellan.Cli.Hosting;

/// <summary>
/// The CA role run inside the CLI process: a generic host wired like <c>CastellanHost</c> (AddAuthority + AddStorage,
/// the same configuration keys: appsettings.json, <c>Castellan__...</c> environment variables), without the web
/// front end and without background services. Commands resolve the use cases from <see cref="Services"/>.
/// </summary>
internal sealed class LocalAuthority : IAsyncDisposable
{
    private readonly IHost _host;

    private LocalAuthority(IHost host, string dataDirectory)
    {
        _host = host;
        DataDirectory = dataDirectory;
    }

    public IServiceProvider Services => _host.Services;

    public string DataDirectory { get; }

    /// <summary>Who the audit log records for what this process does.</summary>
    public static string Actor => "cli:" + Environment.UserName;

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    /// <summary>
    /// Opens an existing installation. Refuses an empty data directory rather than creating a database in it: a typo
    /// in --data must not quietly start a second, empty CA.
    /// </summary>
    public static async Task<LocalAuthority> OpenAsync(string? dataOption, bool requireHierarchy, CancellationToken ct)
    {
        var (builder, dataDirectory) = Prepare(dataOption);
        var storage = builder.Configuration.GetSection("Castellan:Storage").Get<StorageOptions>() ?? new StorageOptions();
        if (storage.Provider.Equals("sqlite", StringComparison.OrdinalIgnoreCase) && storage.ConnectionString is null
            && !File.Exists(Path.Combine(dataDirectory, "castellan.db")))
            throw new NotInitialisedException(dataDirectory);
        var authority = Finish(builder, dataDirectory, configure: null);
        try
        {
            await authority.Get<DatabaseInitializer>().InitialiseAsync(ct);
            if (requireHierarchy && (await authority.Get<CaDirectory>().AllAsync(ct)).Count == 0)
                throw new NotInitialisedException(dataDirectory);
            return authority;
        }
        catch
        {
            await authority.DisposeAsync();
            throw;
        }
    }

    /// <summary>Builds the host without touching the database; <c>init</c> adds what the server's start-up needs.</summary>
    public static LocalAuthority Create(string? dataOption, Action<IServiceCollection> configure)
    {
        var (builder, dataDirectory) = Prepare(dataOption);
        return Finish(builder, dataDirectory, configure);
    }

    private static (HostApplicationBuilder Builder, string DataDirectory) Prepare(string? dataOption)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            // The CLI's own arguments are not configuration; appsettings.json and the environment are.
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        var dataDirectory = Path.GetFullPath(dataOption ?? builder.Configuration["Castellan:DataDirectory"] ?? "./data");
        builder.Configuration["Castellan:DataDirectory"] = dataDirectory;
        return (builder, dataDirectory);
    }

    private static LocalAuthority Finish(HostApplicationBuilder builder, string dataDirectory, Action<IServiceCollection>? configure)
    {
        // stdout carries results (PEM, tables); diagnostics go to stderr and only when they matter.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter((_, level) => level >= LogLevel.Warning);
        // EF Core logs failed commands itself; the CLI reports the failure once, as its one error line.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.None);

        // The same roles as the server, so shared start-up (StartupSequence) and the RA's services resolve here too.
        builder.Services.AddAuthority(dataDirectory);
        builder.Services.AddValidation();
        builder.Services.AddRegistration();
        builder.Services.AddBilling();
        builder.Services.AddStorage(builder.Configuration);
        configure?.Invoke(builder.Services);
        return new LocalAuthority(builder.Build(), dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable async) await async.DisposeAsync();
        else _host.Dispose();
    }
}

/// <summary>The data directory or database holds no Castellan installation yet.</summary>
internal sealed class NotInitialisedException(string dataDirectory)
    : Exception($"no CA hierarchy in '{dataDirectory}'; run 'castellan init --data {dataDirectory}' first");
