using Castellan.Authority.Hierarchy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Castellan.Authority.Crl;

/// <summary>
/// SC-063: every CA publishes a CRL at least every 7 days. We regenerate on each revocation and also on this schedule,
/// so a crash between a revocation and its CRL heals within one interval.
/// </summary>
public sealed class CrlRefreshService(CaDirectory cas, CrlPublisher publisher, IOptions<AuthorityOptions> options, TimeProvider clock,
    ILogger<CrlRefreshService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var ca in await cas.AllAsync(stoppingToken))
            {
                if (ca.Certificate is null) continue;
                try
                {
                    await publisher.PublishAsync(ca.Id, "system", stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "Publishing the CRL of {Ca} failed", ca.Id);
                }
            }
            await Task.Delay(options.Value.CrlRefreshInterval, clock, stoppingToken);
        }
    }
}
