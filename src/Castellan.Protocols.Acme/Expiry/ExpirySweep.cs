using Castellan.Protocols.Acme.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Castellan.Protocols.Acme.Expiry;

/// <summary>
/// RFC 8555 §7.1.6: pending and ready orders past their expiry become invalid, pending authorizations expired.
/// Every read already answers so (AcmeResponses.EffectiveStatus); this sweep writes it into the rows, so listings,
/// reports and the database agree. Idempotent conditional UPDATEs: every node may run it.
/// </summary>
internal sealed class ExpirySweep(IAcmeStore store, IOptions<AcmeOptions> options, TimeProvider clock, ILogger<ExpirySweep> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ExpirySweepInterval;
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var (orders, authorizations) = await store.ExpireAsync(clock.GetUtcNow(), stoppingToken);
                if (orders + authorizations > 0) log.LogInformation("Expired {Orders} ACME orders and {Authorizations} authorizations", orders, authorizations);
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                // Reads stay right without the sweep; the next tick retries (the database may not be migrated yet at start).
                log.LogWarning(e, "The ACME expiry sweep failed");
            }
        }
    }
}
