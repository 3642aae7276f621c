using System.Text.Json;
using Castellan.Auditing;
using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Authority.Issuance;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Castellan.Authority;

/// <summary>Runs before the host serves: first-start initialisation and recovery from an interrupted run.</summary>
public sealed class AuthorityStartup(CaHierarchy hierarchy, CaDirectory cas, InterruptedIssuance interrupted, IAuditLog audit, ILogger<AuthorityStartup> log)
{
    public async Task RunAsync(CancellationToken ct)
    {
        if (await hierarchy.InitialiseAsync(ct))
        {
            log.LogInformation("Initialised a new CA hierarchy (root and issuing CA)");
            await audit.AppendAsync(new AuditEvent("system", "authority.initialised", "authority", JsonSerializer.Serialize(new { root = "root", issuing = "issuing-1" })), ct);
        }
        var (resumed, abandoned) = await interrupted.SettleAsync(ct);
        if (resumed + abandoned > 0)
        {
            log.LogWarning("Settled interrupted issuance: {Resumed} reservations resumed (re-signed), {Abandoned} abandoned", resumed, abandoned);
            await audit.AppendAsync(new AuditEvent("system", "issuance.recovered", "authority", JsonSerializer.Serialize(new { resumed, abandoned })), ct);
        }
        foreach (var ca in await cas.AllAsync(ct))
        {
            if (ca.Record.CertificateDer is not null && ca.Record.Status != CaStatus.AwaitingCertificate)
                await hierarchy.EnsureOcspResponderAsync(ca.Id, "system", ct);
        }
    }
}
