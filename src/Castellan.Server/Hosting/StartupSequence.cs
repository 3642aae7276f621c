using Castellan.Authority;
using Castellan.Registration.Access;
using Castellan.Registration.Accounts;
using Castellan.Registration.Contracts;
using Castellan.Registration.Products;
using Castellan.Storage;

namespace Castellan.Server.Hosting;

/// <summary>
/// Runs once before the server takes requests: schema, CA hierarchy (first start), crash recovery, and the initial
/// administrator key. Hosted services start in registration order, so background jobs see a ready authority.
/// Several nodes may start at once on one database: the whole sequence runs under the start-up lock, so the second
/// node finds the schema, the hierarchy and the administrator key the first one created.
/// </summary>
internal sealed class StartupSequence(IStartupLock startupLock, DatabaseInitializer database, AuthorityStartup authority, ApiKeyService keys,
    IApiKeyStore keyStore, AccountService accounts, ProductService products, IConfiguration configuration) : IHostedService
{
    public bool Ready { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (await startupLock.AcquireAsync(cancellationToken))
        {
            await database.InitialiseAsync(cancellationToken);
            await authority.RunAsync(cancellationToken);
            await accounts.EnsureOperatorAccountAsync(cancellationToken);
            await products.EnsureBuiltInAsync(cancellationToken);
            await BootstrapAdministratorAsync(cancellationToken);
        }
        Ready = true;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task BootstrapAdministratorAsync(CancellationToken ct)
    {
        if (await keyStore.CountAsync(ct) > 0) return;
        var supplied = configuration["Castellan:Bootstrap:AdminApiKey"];
        if (!string.IsNullOrEmpty(supplied))
        {
            await keys.AddAsync("bootstrap administrator", Roles.OperatorAdministrator, supplied, "system", ct);
            return;
        }
        var (_, secret) = await keys.CreateAsync("bootstrap administrator", Roles.OperatorAdministrator, "system", ct);
        // Printed once to the console, deliberately not through the logger: logs are shipped and kept, this key must not be.
        Console.WriteLine();
        Console.WriteLine("Initial administrator API key (shown once, store it now):");
        Console.WriteLine($"  {secret}");
        Console.WriteLine();
    }
}
