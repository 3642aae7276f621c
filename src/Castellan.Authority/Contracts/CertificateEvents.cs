using System.Threading.Channels;

namespace Castellan.Authority.Contracts;

/// <summary>A certificate was issued, revoked or released; OCSP pre-signing and CRL publication listen.</summary>
public readonly record struct CertificateStatusChanged(string CaId, SerialNumber Serial);

/// <summary>In-process fan-out of status changes. Bounded and lossy by design: a dropped event only means the
/// OCSP response is signed on first request instead of in advance; the periodic refresh catches everything.</summary>
public sealed class CertificateEvents
{
    private readonly Channel<CertificateStatusChanged> _channel =
        Channel.CreateBounded<CertificateStatusChanged>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public ChannelReader<CertificateStatusChanged> Reader => _channel.Reader;

    public void Publish(CertificateStatusChanged change) => _channel.Writer.TryWrite(change);
}
