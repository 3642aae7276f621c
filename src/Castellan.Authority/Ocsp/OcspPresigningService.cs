using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Castellan.Authority.Ocsp;

/// <summary>
/// Keeps the OCSP cache full: re-signs a response as soon as a certificate changes status (and, with
/// <see cref="AuthorityOptions.OcspPresignAtIssuance"/>, when it is issued), warms the cache for every live certificate
/// at start and at each refresh, and re-signs responses at half their validity (RFC 5019 2.2.4).
/// </summary>
public sealed class OcspPresigningService(CertificateEvents events, OcspResponder responder, ICertificateStore certificates,
    CaDirectory cas, OcspResponseCache cache, IOptions<AuthorityOptions> options, TimeProvider clock, ILogger<OcspPresigningService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var refresh = Task.Run(() => RefreshLoopAsync(stoppingToken), stoppingToken);
        await foreach (var change in events.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                // A status change makes every cached answer for the serial stale, including ones under a CertID form
                // (e.g. SHA-256) that pre-signing below does not replace.
                cache.RemoveSerial(change.Serial.Hex);
                // Issuance hands over the row it committed; a revocation or release is read back for its new status.
                // A new certificate is signed on its first request or at the next refresh unless asked for here.
                if (change.Committed is not null && !options.Value.OcspPresignAtIssuance) continue;
                var cert = change.Committed ?? await certificates.GetAsync(change.Serial, stoppingToken);
                if (cert is not null) await responder.PresignAsync(cert, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Pre-signing the OCSP response for {Serial} failed; it will be signed on first request", change.Serial);
            }
        }
        await refresh;
    }

    private async Task RefreshLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await WarmAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "OCSP cache refresh failed; retrying later");
            }
            await Task.Delay(options.Value.OcspResponseValidity / 4, clock, ct);
        }
    }

    /// <summary>Signs a response for every live certificate whose cached response is missing or past half-life.</summary>
    public async Task<int> WarmAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var halfLife = options.Value.OcspResponseValidity / 2;
        var fresh = new HashSet<string>(cache.Entries.Where(e => e.Value.ThisUpdate + halfLife > now).Select(e => e.Key));
        var signed = 0;
        foreach (var ca in await cas.AllAsync(ct))
        {
            if (ca.Certificate is null) continue;
            var keyHash = CertIdHashes.KeyHashSha1(ca.Certificate);
            await foreach (var cert in certificates.ListForStatusAsync(ca.Id, now, ct))
            {
                if (fresh.Contains(OcspResponseCache.Key("1.3.14.3.2.26", keyHash, cert.Serial.Hex))) continue;
                await responder.PresignAsync(cert, ct);
                signed++;
            }
        }
        return signed;
    }
}
