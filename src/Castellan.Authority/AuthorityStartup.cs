using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Castellan.Authority;

/// <summary>Runs before the host serves: first-start initialisation and recovery from an interrupted run.</summary>
public sealed class AuthorityStartup(CaHierarchy hierarchy, CaDirectory cas, ICertificateStore certificates, IAuditLog audit,
    IOptions<AuthorityOptions> options, TimeProvider clock, ILogger<AuthorityStartup> log)
{
    public async Task RunAsync(CancellationToken ct)
    {
        if (await hierarchy.InitialiseAsync(ct))
        {
            log.LogInformation("Initialised a new CA hierarchy (root and issuing CA)");
            await audit.AppendAsync(new AuditEvent("system", "authority.initialised", "authority", JsonSerializer.Serialize(new { root = "root", issuing = "issuing-1" })), ct);
        }
        // A reservation left by a crash was never signed-and-returned, or was signed but never returned; either way it
        // was never handed out. Marking it abandoned keeps the record of the serial and the TBS hash.
        var abandoned = await certificates.AbandonStaleReservationsAsync(clock.GetUtcNow() - options.Value.StaleReservationAge, ct);
        if (abandoned > 0)
        {
            log.LogWarning("Marked {Count} interrupted issuance reservations as abandoned", abandoned);
            await audit.AppendAsync(new AuditEvent("system", "issuance.recovered", "authority", JsonSerializer.Serialize(new { abandoned })), ct);
        }
        foreach (var ca in await cas.AllAsync(ct))
        {
            if (ca.Record.CertificateDer is not null && ca.Record.Status != CaStatus.AwaitingCertificate)
                await hierarchy.EnsureOcspResponderAsync(ca.Id, "system", ct);
        }
    }
}
