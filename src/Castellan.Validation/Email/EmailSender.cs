using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Castellan.Validation.Email;

/// <summary>Sends the random-value emails over SMTP (<c>Castellan:Validation:Smtp</c>) with MailKit.</summary>
internal sealed class EmailSender(IOptions<ValidationOptions> options)
{
    public async Task SendAsync(IReadOnlyList<string> recipients, string subject, string body, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        // BR 3.2.2.4.4: one email (so one unique random value) may go to several constructed addresses at once.
        foreach (var r in recipients) message.To.Add(MailboxAddress.Parse(r));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        using var client = new SmtpClient { Timeout = (int)options.Value.AttemptTimeout.TotalMilliseconds };
        await client.ConnectAsync(smtp.Host, smtp.Port, smtp.UseStartTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None, ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }
}
