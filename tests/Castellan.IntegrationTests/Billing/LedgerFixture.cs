using Castellan.Authority;
using Castellan.Billing;
using Castellan.IntegrationTests.Support;
using Castellan.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Castellan.IntegrationTests.Billing;

/// <summary>
/// The billing role on real storage without HTTP: AddAuthority (for the data directory) + AddStorage + AddBilling,
/// the schema created as the server creates it. One database per test class; tests use their own account ids.
/// </summary>
public abstract class LedgerFixture : IAsyncLifetime
{
    private ServiceProvider? _services;

    /// <summary>One hour before a month ends, so a test can cross into the next spend-limit period.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero));

    public abstract string StorageName { get; }

    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(await StorageSettingsAsync()).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddAuthority(TestPaths.NewDirectory("billing"));
        services.AddStorage(configuration);
        services.AddBilling();
        _services = services.BuildServiceProvider();
        await Get<DatabaseInitializer>().InitialiseAsync(CancellationToken.None);
    }

    public T Get<T>() where T : notnull => _services!.GetRequiredService<T>();

    public async Task DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
    }
}

public sealed class SqliteLedger : LedgerFixture
{
    public override string StorageName => "sqlite";

    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["Castellan:Storage:Provider"] = "sqlite" });
}

public sealed class PostgresLedger : LedgerFixture
{
    public override string StorageName => "postgres";

    protected override async Task<Dictionary<string, string?>> StorageSettingsAsync() => new()
    {
        ["Castellan:Storage:Provider"] = "postgres",
        ["Castellan:Storage:ConnectionString"] = await TestDatabases.CreateAsync(),
    };
}
