namespace Castellan.Registration;

/// <summary>Bound from <c>Castellan:Registration</c>.</summary>
public sealed class RegistrationOptions
{
    /// <summary>Base of the links put in emails (the portal); defaults to the server's public base URL.</summary>
    public string? PortalUrl { get; set; }

    /// <summary>How long an activation or invitation link works. Seed 003 gives no figure; three days is usual.</summary>
    public TimeSpan ActivationLinkLifetime { get; set; } = TimeSpan.FromDays(3);
}
