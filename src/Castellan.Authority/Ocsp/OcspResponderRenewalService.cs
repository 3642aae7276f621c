using Castellan.Authority.Hierarchy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Castellan.Authority.Ocsp;

/// <summary>
/// Delegated responder certificates are short-lived (RFC 6960 4.2.2.2.1: with ocsp-nocheck, relying parties cannot
/// check their revocation, so they must expire soon). Renews each when a third of its life is left; checked hourly.
/// </summary>
public sealed class OcspResponderRenewalService(CaDirectory cas, CaHierarchy hierarchy, TimeProvider clock, ILogger<OcspResponderRenewalService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromHours(1), clock, stoppingToken);
            foreach (var ca in await cas.AllAsync(stoppingToken))
            {
                if (ca.Certificate is null || ca.Record.Status == Contracts.CaStatus.AwaitingCertificate) continue;
                try
                {
                    await hierarchy.EnsureOcspResponderAsync(ca.Id, "system", stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "Renewing the OCSP responder of {Ca} failed", ca.Id);
                }
            }
        }
    }
}
