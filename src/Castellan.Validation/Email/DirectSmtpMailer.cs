using Castellan.Validation.Contracts;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Castellan.Validation.Email;

/// <summary>
/// <c>Castellan:Smtp</c> as the fallback mailer reads it: the same keys the RA's outbox uses, so an installation has
/// one SMTP configuration. The password comes from the environment (<c>Castellan__Smtp__Password</c>).
/// </summary>
public sealed class DirectSmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;

    /// <summary>None, StartTls or Tls, as <c>Castellan:Smtp:Security</c>.</summary>
    public string Security { get; set; } = "StartTls";

    public string? User { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "Castellan <no-reply@castellan.invalid>";
}

/// <summary>
/// The fallback <see cref="IValidationMailer"/> when no outbox is wired (a bare validation authority, the CLI): sends at
/// once over SMTP with MailKit. Without <c>Castellan:Smtp:Host</c> it refuses, so an email method fails visibly rather
/// than pretending a value went out.
/// </summary>
internal sealed class DirectSmtpMailer(IOptions<DirectSmtpOptions> options, IOptions<ValidationOptions> validation) : IValidationMailer
{
    public async Task SendAsync(ValidationMail mail, CancellationToken ct)
    {
        var smtp = options.Value;
        if (string.IsNullOrWhiteSpace(smtp.Host)) throw new IOException("no mail server is configured (Castellan:Smtp:Host)");
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        foreach (var r in mail.Recipients) message.To.Add(MailboxAddress.Parse(r));
        message.Subject = mail.Subject;
        message.Body = new TextPart("plain") { Text = mail.Body };
        using var client = new SmtpClient { Timeout = (int)validation.Value.AttemptTimeout.TotalMilliseconds };
        var security = smtp.Security.Trim().ToLowerInvariant() switch
        {
            "none" => SecureSocketOptions.None,
            "tls" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(smtp.Host, smtp.Port, security, ct);
        if (!string.IsNullOrEmpty(smtp.User)) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }
}
