using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Authority.Ocsp;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Castellan.Authority.Coordination;

/// <summary>
/// Keeps this node's caches in step with changes other nodes commit to the shared database: polls the change feed
/// and drops the CA directory and the pre-signed OCSP answers that a change made stale. A revocation on another node
/// is answered "revoked" here within one poll interval plus one signature; a revoked API key or deactivated user is
/// refused here within one poll interval.
/// </summary>
public sealed class ChangeFeedFollower(IChangeFeed feed, CaDirectory cas, OcspResponseCache ocsp, CertificateEvents events,
    IEnumerable<IAccessChangeListener> accessListeners, IOptions<AuthorityOptions> options, TimeProvider clock, ILogger<ChangeFeedFollower> log) : BackgroundService
{
    private const int BatchSize = 500;
    private long _position;

    /// <summary>The feed position this node has applied.</summary>
    public long Position => Interlocked.Read(ref _position);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Start at the head: the caches are empty now and fill from the database, so only later changes can make them
        // stale. Reading the head before the OCSP warm-up starts (hosted services start in order) leaves no gap.
        Interlocked.Exchange(ref _position, await feed.HeadAsync(cancellationToken));
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPrune = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollAsync(stoppingToken);
                if (clock.GetUtcNow() >= nextPrune)
                {
                    await feed.PruneAsync(clock.GetUtcNow() - options.Value.ChangeFeedRetention, stoppingToken);
                    nextPrune = clock.GetUtcNow() + TimeSpan.FromHours(1);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Reading the change feed failed; retrying");
            }
            await Task.Delay(options.Value.ChangeFeedPollInterval, clock, stoppingToken);
        }
    }

    /// <summary>Applies every entry after the current position; returns how many.</summary>
    public async Task<int> PollAsync(CancellationToken ct)
    {
        var applied = 0;
        while (true)
        {
            var batch = await feed.ReadAfterAsync(Position, BatchSize, ct);
            var caChanged = false;
            var accessChanged = false;
            foreach (var change in batch)
            {
                if (change.Kind == ChangeKind.CertificateAuthority) caChanged = true;
                else if (change.Kind == ChangeKind.Access) accessChanged = true;
                else if (change.Kind == ChangeKind.CertificateStatus && change.Serial is { } serial)
                {
                    // Drop first, so no stale "good" is served while the new answer is being signed.
                    ocsp.RemoveSerial(serial.Hex);
                    events.Publish(new CertificateStatusChanged(change.CaId, serial));
                }
                Interlocked.Exchange(ref _position, change.Position);
            }
            if (caChanged) cas.Invalidate();
            if (accessChanged)
            {
                foreach (var listener in accessListeners) listener.AccessChanged();
            }
            applied += batch.Count;
            if (batch.Count < BatchSize) return applied;
        }
    }
}
