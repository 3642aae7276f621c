using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Revocation;
using Castellan.Registration.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Castellan.Registration.Orders;

/// <summary>
/// Revokes the certificates that fulfilled reissues replaced, once their grace period is over. Runs on every node:
/// the revocation is idempotent (an already revoked certificate is left as it is), and the due mark is cleared only
/// after it, so a crash in between revokes on the next pass instead of never.
/// </summary>
public sealed class RevokeSupersededService(IOrderDetailsStore details, RevokeCertificate revoke, IAuditLog audit, IOptions<RegistrationOptions> options,
    TimeProvider clock, ILogger<RevokeSupersededService> log) : BackgroundService
{
    public const string Actor = "system:reissue";

    /// <summary>One pass; returns how many certificates were revoked.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var revoked = 0;
        foreach (var order in await details.DueSupersessionsAsync(clock.GetUtcNow(), 100, ct))
        {
            var due = order.Supersedes!;
            var outcome = await revoke.RevokeAsync(SerialNumber.Parse(due.Serial), due.Reason, Actor, ct);
            if (!outcome.IsError) revoked++;
            else if (outcome.Error is not Conflict) log.LogWarning("Revoking superseded certificate {Serial} of order {Order}: {Error}", due.Serial, order.Id, outcome.Error.Detail);
            if (await details.ClaimSupersessionAsync(order.Id, due.Serial, ct))
            {
                await audit.AppendAsync(new AuditEvent(Actor, "order.superseded-revoked", $"order:{order.Id}", JsonSerializer.Serialize(new
                {
                    order = order.Id, original = order.OriginalOrderId, serial = due.Serial, reason = due.Reason.ToString(), revoked = !outcome.IsError,
                })), CancellationToken.None);
            }
        }
        return revoked;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Revoking superseded certificates failed; retrying next pass");
            }
            await Task.Delay(options.Value.SupersessionCheckInterval, clock, stoppingToken);
        }
    }
}
