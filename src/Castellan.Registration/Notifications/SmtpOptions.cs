namespace Castellan.Registration.Notifications;

public enum SmtpSecurity
{
    /// <summary>Plain SMTP: only for a relay on the same host or a test sink.</summary>
    None,

    /// <summary>RFC 3207 STARTTLS on a plain connection (usually port 587); refused if the server does not offer it.</summary>
    StartTls,

    /// <summary>RFC 8314 implicit TLS (usually port 465).</summary>
    Tls,
}

/// <summary>
/// Bound from <c>Castellan:Smtp</c>. Without <see cref="Host"/> nothing is sent and messages wait in the outbox.
/// <see cref="Password"/> comes from the environment (<c>Castellan__Smtp__Password</c>), never from appsettings.
/// </summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;
    public string? User { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "Castellan <no-reply@castellan.invalid>";

    /// <summary>How often the dispatcher looks for due messages when the last look found none.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>First retry delay after a failed attempt; doubles per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a node's claim on a message lasts: longer than one SMTP exchange, so no other node sends it meanwhile.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    public int BatchSize { get; set; } = 20;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>Exponential backoff for the attempt that just failed (1-based).</summary>
    public TimeSpan DelayAfter(int attempts)
    {
        var doublings = Math.Clamp(attempts - 1, 0, 20);
        var ticks = Math.Min(RetryDelay.Ticks * (1L << doublings), MaxRetryDelay.Ticks);
        return TimeSpan.FromTicks(Math.Max(ticks, 0));
    }
}
