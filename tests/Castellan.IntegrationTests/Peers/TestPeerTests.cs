using Castellan.IntegrationTests.Support;
using MailKit.Net.Smtp;
using MimeKit;

namespace Castellan.IntegrationTests.Peers;

/// <summary>The real peers other tests rely on behave as those tests assume: a signed update changes the zone, an
/// unsigned one is refused, and a message sent over SMTP is readable with its headers.</summary>
public sealed class TestPeerTests
{
    [Fact]
    public async Task Bind_applies_a_TSIG_signed_update_and_refuses_an_unsigned_one()
    {
        await using var dns = await BindDnsServer.StartAsync("peers.test", "blocked IN CAA 0 issue \"other-ca.example\"");
        Assert.Equal("127.0.0.1", await dns.DigAsync("anything.peers.test", "A"));
        Assert.Contains("other-ca.example", await dns.DigAsync("blocked.peers.test", "CAA"));

        await dns.AddAsync("_acme-challenge.www.peers.test", "TXT", "\"token-value\"");
        Assert.Equal("\"token-value\"", await dns.DigAsync("_acme-challenge.www.peers.test", "TXT"));

        var script = Path.Combine(dns.Directory, "unsigned.txt");
        await File.WriteAllTextAsync(script, $"server 127.0.0.1 {dns.Port}\nupdate add evil.peers.test. 1 A 10.0.0.1\nsend\n");
        var unsigned = await Tools.RunAsync("nsupdate", [script]);
        Assert.NotEqual(0, unsigned.ExitCode);
        Assert.Contains("REFUSED", unsigned.All);
        Assert.Equal("127.0.0.1", await dns.DigAsync("evil.peers.test", "A")); // still the wildcard, not 10.0.0.1

        await dns.DeleteAsync("_acme-challenge.www.peers.test", "TXT");
        Assert.Equal("", await dns.DigAsync("_acme-challenge.www.peers.test", "TXT"));
    }

    [Fact]
    public async Task Smtp_sink_keeps_each_message_with_its_recipients_and_body()
    {
        await using var sink = await SmtpSink.StartAsync();
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("ca@peers.test"));
        message.To.Add(MailboxAddress.Parse("alice@peers.test"));
        message.Subject = "Your certificate is ready";
        message.Body = new TextPart("plain") { Text = "Collect it at http://127.0.0.1/track/abc" };
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", sink.Port, MailKit.Security.SecureSocketOptions.None);
            await client.SendAsync(message);
            await client.DisconnectAsync(true);
        }

        var received = await sink.WaitForAsync("alice@peers.test");
        Assert.Equal("Your certificate is ready", received.Subject);
        Assert.Contains("/track/abc", received.TextBody);
        await Assert.ThrowsAsync<TimeoutException>(() => sink.WaitForAsync("bob@peers.test", timeout: TimeSpan.FromMilliseconds(300)));
    }
}
