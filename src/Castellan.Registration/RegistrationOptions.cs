namespace Castellan.Registration;

/// <summary>Bound from <c>Castellan:Registration</c>.</summary>
public sealed class RegistrationOptions
{
    /// <summary>Base of the links put in emails (the portal); defaults to the server's public base URL.</summary>
    public string? PortalUrl { get; set; }

    /// <summary>How long an activation or invitation link works. Seed 003 gives no figure; three days is usual.</summary>
    public TimeSpan ActivationLinkLifetime { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// How long the certificate a reissue replaces stays valid, counted from the reissue's placement and never ending
    /// before the reissue is fulfilled, so the subscriber can deploy the new one first; then it is revoked as
    /// superseded. A key-compromise reissue revokes as soon as the reissue is fulfilled.
    /// </summary>
    public TimeSpan ReissueGracePeriod { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How often due supersessions are looked for (by every node; each revocation happens once).</summary>
    public TimeSpan SupersessionCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Seed 003: renewal is offered from 60 days before the certificate expires.</summary>
    public TimeSpan RenewalWindow { get; set; } = TimeSpan.FromDays(60);
    /// <summary>How often the renewal-reminder job runs; zero turns it off.</summary>
    public TimeSpan ReminderCheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The key (base64, 32 bytes) that encrypts TOTP secrets at rest. Give every node the same one (from the
    /// environment); when absent a key is generated into DATA/second-factor.key (0600).
    /// </summary>
    public string? SecondFactorKey { get; set; }

    /// <summary>
    /// How many times the validation email of one order may be resent through its tracking link within
    /// <see cref="TrackingResendWindow"/>: the link needs no sign-in, so without a limit anyone holding it could flood the
    /// domain's administrators. Zero or less turns the limit off.
    /// </summary>
    public int TrackingResendLimit { get; set; } = 3;

    public TimeSpan TrackingResendWindow { get; set; } = TimeSpan.FromHours(1);
}
