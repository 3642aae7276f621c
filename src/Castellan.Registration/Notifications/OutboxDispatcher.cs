using Castellan.Registration.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Castellan.Registration.Notifications;

/// <summary>
/// Sends outbox messages over SMTP (issue 3 item 12). Each pass claims due messages with a lease (a conditional
/// UPDATE, so several nodes on one database never send one message at the same time), sends them over one
/// connection, marks each sent, and reschedules failures with exponential backoff. Delivery is at least once: a
/// node that dies after the server accepted a message but before marking it sent leaves it to be sent again when
/// the lease ends. Logs name message ids and fault kinds only: bodies hold single-use links and are never logged.
/// </summary>
public sealed partial class OutboxDispatcher(IOutboxDelivery outbox, IMailTransport transport, IOptions<SmtpOptions> options, TimeProvider clock,
    ILogger<OutboxDispatcher> log) : BackgroundService
{
    private readonly string _node = $"{Environment.MachineName}/{Environment.ProcessId}/{Ids.Secret(6)}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await DispatchOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database being away is the usual cause; try again next poll.
                LogPassFailed(e.GetType().Name);
            }
            if (sent == 0)
            {
                try { await Task.Delay(o.PollInterval, clock, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>One pass: returns how many messages were handled (sent or rescheduled).</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var claimed = await outbox.ClaimAsync(_node, now, now + o.Lease, o.BatchSize, ct);
        if (claimed.Count == 0) return 0;
        IMailSession? session = null;
        try
        {
            session = await transport.OpenAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            foreach (var m in claimed) await RetryAsync(m, "connect: " + Fault(e), ct);
            return claimed.Count;
        }
        await using (session)
        {
            foreach (var m in claimed)
            {
                try
                {
                    await session.SendAsync(m, ct);
                    await outbox.MarkDeliveredAsync(m.Id, _node, clock.GetUtcNow(), ct);
                    LogSent(m.Id, m.Attempts + 1);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    await RetryAsync(m, "send: " + Fault(e), ct);
                }
            }
        }
        return claimed.Count;
    }

    private async Task RetryAsync(OutgoingMessage m, string fault, CancellationToken ct)
    {
        var attempts = m.Attempts + 1;
        var next = clock.GetUtcNow() + options.Value.DelayAfter(attempts);
        await outbox.RetryLaterAsync(m.Id, _node, next, fault, ct);
        LogRetry(m.Id, attempts, fault, next);
    }

    /// <summary>The fault's kind and SMTP status, never its message text (a server may echo what it was sent).</summary>
    private static string Fault(Exception e) => e switch
    {
        MailKit.Net.Smtp.SmtpCommandException c => $"{nameof(MailKit.Net.Smtp.SmtpCommandException)} {(int)c.StatusCode} {c.ErrorCode}",
        System.Net.Sockets.SocketException s => $"SocketException {s.SocketErrorCode}",
        _ => e.GetType().Name,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "outbox message {Id} sent (attempt {Attempt})")]
    private partial void LogSent(string id, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "outbox message {Id} not sent (attempt {Attempt}, {Fault}); next try at {Next:u}")]
    private partial void LogRetry(string id, int attempt, string fault, DateTimeOffset next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "outbox pass failed ({Fault})")]
    private partial void LogPassFailed(string fault);
}
