using System.Formats.Asn1;
using System.Numerics;
using Castellan.Authority.Contracts;

namespace Castellan.Authority.Crl;

/// <summary>
/// Encodes an RFC 5280 5.1 TBSCertList by hand on one pre-sized AsnWriter. .NET's CertificateRevocationListBuilder
/// grows its buffer in small steps and becomes quadratic past ~10k entries; this stays linear (about 45 bytes an entry).
/// </summary>
public static class CrlEncoder
{
    private const int BytesPerEntry = 48;
    private static readonly DateTimeOffset UtcTimeLimit = new(2050, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static byte[] EncodeTbs(
        ReadOnlySpan<byte> signatureAlgorithm,
        ReadOnlySpan<byte> issuerName,
        DateTimeOffset thisUpdate,
        DateTimeOffset nextUpdate,
        IReadOnlyCollection<RevokedEntry> entries,
        long crlNumber,
        ReadOnlySpan<byte> authorityKeyId)
    {
        var w = new AsnWriter(AsnEncodingRules.DER, 512 + issuerName.Length + entries.Count * BytesPerEntry);
        using (w.PushSequence())
        {
            w.WriteInteger(1); // v2
            w.WriteEncodedValue(signatureAlgorithm);
            w.WriteEncodedValue(issuerName);
            WriteTime(w, thisUpdate);
            WriteTime(w, nextUpdate);
            if (entries.Count > 0)
            {
                using (w.PushSequence())
                {
                    foreach (var e in entries)
                    {
                        using (w.PushSequence())
                        {
                            w.WriteIntegerUnsigned(e.Serial.ToBytes());
                            WriteTime(w, e.RevokedAt);
                            // RFC 5280 5.3.1: reasonCode unspecified SHOULD be absent.
                            if (e.Reason != RevocationReason.Unspecified)
                            {
                                using (w.PushSequence())
                                using (w.PushSequence())
                                {
                                    w.WriteObjectIdentifier("2.5.29.21");
                                    using (w.PushOctetString()) w.WriteEnumeratedValue(e.Reason);
                                }
                            }
                        }
                    }
                }
            }
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            using (w.PushSequence())
            {
                using (w.PushSequence())
                {
                    w.WriteObjectIdentifier(Oids.AuthorityKeyIdentifier);
                    using (w.PushOctetString())
                    using (w.PushSequence())
                    {
                        w.WriteOctetString(authorityKeyId, new Asn1Tag(TagClass.ContextSpecific, 0));
                    }
                }
                using (w.PushSequence())
                {
                    w.WriteObjectIdentifier("2.5.29.20"); // cRLNumber
                    using (w.PushOctetString()) w.WriteInteger(new BigInteger(crlNumber));
                }
            }
        }
        return w.Encode();
    }

    /// <summary>RFC 5280 5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, Zulu.</summary>
    private static void WriteTime(AsnWriter w, DateTimeOffset t)
    {
        var utc = DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());
        if (utc < UtcTimeLimit) w.WriteUtcTime(utc);
        else w.WriteGeneralizedTime(utc, omitFractionalSeconds: true);
    }
}
