using System.Threading.Channels;

namespace Castellan.Authority.Contracts;

/// <summary>
/// A certificate was issued, revoked or released; OCSP pre-signing and CRL publication listen. Issuance passes the
/// record it has just committed as <paramref name="Committed"/>, so a listener need not read it back from the database;
/// other changes leave it null and listeners read the current row.
/// </summary>
public readonly record struct CertificateStatusChanged(string CaId, SerialNumber Serial, IssuedCertificate? Committed = null);

/// <summary>In-process fan-out of status changes. Bounded and lossy by design: a dropped event only means the
/// OCSP response is signed on first request instead of in advance; the periodic refresh catches everything.</summary>
public sealed class CertificateEvents
{
    private readonly Channel<CertificateStatusChanged> _channel =
        Channel.CreateBounded<CertificateStatusChanged>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public ChannelReader<CertificateStatusChanged> Reader => _channel.Reader;

    public void Publish(CertificateStatusChanged change) => _channel.Writer.TryWrite(change);
}
