using Castellan.Registration.Contracts;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Castellan.Registration.Notifications;

/// <summary>One connection to the mail server, over which a batch of messages is sent.</summary>
public interface IMailSession : IAsyncDisposable
{
    Task SendAsync(OutgoingMessage message, CancellationToken ct);
}

/// <summary>Where outbox messages go; the SMTP implementation is <see cref="SmtpTransport"/>.</summary>
public interface IMailTransport
{
    Task<IMailSession> OpenAsync(CancellationToken ct);
}

/// <summary>MailKit SMTP client to the configured server. The message id is the outbox id, so a resend is recognisable.</summary>
public sealed class SmtpTransport(IOptions<SmtpOptions> options) : IMailTransport
{
    public async Task<IMailSession> OpenAsync(CancellationToken ct)
    {
        var o = options.Value;
        var client = new SmtpClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        try
        {
            var security = o.Security switch
            {
                SmtpSecurity.None => SecureSocketOptions.None,
                SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTls,
            };
            await client.ConnectAsync(o.Host ?? throw new InvalidOperationException("Castellan:Smtp:Host is not set"), o.Port, security, ct);
            if (!string.IsNullOrEmpty(o.User)) await client.AuthenticateAsync(o.User, o.Password ?? "", ct);
            return new Session(client, MailboxAddress.Parse(o.From));
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private sealed class Session(SmtpClient client, MailboxAddress from) : IMailSession
    {
        public async Task SendAsync(OutgoingMessage m, CancellationToken ct)
        {
            var body = new BodyBuilder { TextBody = m.Body, HtmlBody = m.HtmlBody };
            using var message = new MimeMessage([from], [MailboxAddress.Parse(m.To)], m.Subject, body.ToMessageBody())
            {
                MessageId = $"{m.Id}@castellan",
                Date = m.CreatedAt,
            };
            await client.SendAsync(message, ct);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected) await client.DisconnectAsync(true, CancellationToken.None);
            }
            catch (Exception e) when (e is IOException or MailKit.ProtocolException or SmtpCommandException)
            {
                // The messages were accepted already; a rude goodbye changes nothing.
            }
            client.Dispose();
        }
    }
}
