using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Castellan.Authority.Profiles;
using Microsoft.Extensions.Options;

namespace Castellan.Authority.Issuance;

/// <summary>
/// At start-up, settles the reservations an interrupted run left open (older than
/// <see cref="AuthorityOptions.StaleReservationAge"/>, so other live nodes' issuance in flight is left alone).
/// A subscriber reservation whose CA key signs deterministically is resumed: its recorded TBS is signed and stored,
/// which gives back, byte for byte, a certificate the run may have returned before a power loss dropped its
/// completion (see docs/flows/issuance.md). Everything else (CA certificates, whose hierarchy operation was never
/// acknowledged; HSM ECDSA keys; rows without a TBS) is marked abandoned, keeping the serial and the TBS hash.
/// A resumption that fails (the key store unreachable) fails the start on purpose: abandoning instead would mark a
/// certificate a client may hold as never issued, while a later start, with the key back, resumes it.
/// </summary>
public sealed class InterruptedIssuance(ICertificateStore certificates, CaDirectory cas, ProfileCatalog profiles, IssuancePipeline pipeline,
    IOptions<AuthorityOptions> options, TimeProvider clock)
{
    public async Task<(int Resumed, int Abandoned)> SettleAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow() - options.Value.StaleReservationAge;
        var resumed = 0;
        foreach (var reservation in await certificates.OpenReservationsAsync(before, ct))
        {
            if (await cas.FindAsync(reservation.CaId, ct) is not { Certificate: not null } ca) continue;
            if (await profiles.FindAsync(reservation.ProfileId, ct) is not { IsError: false, Value.IsCa: false }) continue;
            if (await pipeline.ResumeAsync(ca.AsIssuer(), reservation, "system") is not null) resumed++;
        }
        var abandoned = await certificates.AbandonStaleReservationsAsync(before, ct);
        return (resumed, abandoned);
    }
}
