using System.Text.Json;
using Castellan.Auditing;
using Castellan.Protocols.Acme.Contracts;
using Castellan.Registration.Contracts;

namespace Castellan.Protocols.Acme.RenewalInfo;

/// <summary>
/// An operator starts a mass replacement of an issuing CA (key compromise, distrust, a planned rollover): from now on
/// renewalInfo answers every certificate that CA issued before this moment with a window that starts now (RFC 9773
/// §4.2), so ACME clients with ARI renew at once. Audited.
/// </summary>
public sealed class ReplaceIssuingCa(IAcmeStore store, IAuditLog audit, TimeProvider clock)
{
    public async Task<DateTimeOffset> StartAsync(string caId, RequestOrigin origin, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        await store.AddCaReplacementAsync(caId, at, origin.Actor, ct);
        await audit.AppendAsync(new AuditEvent(origin.Actor, "ca.replacement-started", $"ca:{caId}",
            JsonSerializer.Serialize(new { ca = caId, at }), origin.Address), CancellationToken.None);
        return at;
    }
}
