using Castellan.Authority.Contracts;
using Castellan.Authority.Hierarchy;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;
using BcCertificateStatus = Org.BouncyCastle.Ocsp.CertificateStatus;

namespace Castellan.Authority.Ocsp;

/// <summary>
/// RFC 6960 responder. Requests without a nonce are answered from pre-signed responses; a request carrying a nonce
/// (RFC 8954) gets a freshly signed answer echoing it. Responses are signed by the CA's delegated responder.
/// </summary>
public sealed class OcspResponder(CaDirectory cas, ICertificateStore certificates, OcspResponseCache cache,
    IOptions<AuthorityOptions> options, TimeProvider clock)
{
    private const string Sha1 = "1.3.14.3.2.26";

    // The responder certificate in BouncyCastle form, parsed once per loaded certificate rather than once per response
    // (it was a tenth of the CPU of pre-signing at every issuance). Weak keys: a reloaded CA directory lets them go.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<System.Security.Cryptography.X509Certificates.X509Certificate2, X509Certificate> BcCertificates = new();
    private static readonly byte[] MalformedRequest = new OCSPRespGenerator().Generate(OCSPRespGenerator.MalformedRequest, null).GetEncoded();
    private static readonly byte[] Unauthorized = new OCSPRespGenerator().Generate(OCSPRespGenerator.Unauthorized, null).GetEncoded();
    private static readonly byte[] InternalError = new OCSPRespGenerator().Generate(OCSPRespGenerator.InternalError, null).GetEncoded();

    /// <summary>Largest request accepted; a single-certificate request is about 100 bytes.</summary>
    public const int MaxRequestBytes = 8 * 1024;

    public async Task<byte[]> RespondAsync(byte[] requestDer, CancellationToken ct)
    {
        OcspReq request;
        Req[] singles;
        try
        {
            if (requestDer.Length == 0 || requestDer.Length > MaxRequestBytes) return MalformedRequest;
            request = new OcspReq(requestDer);
            singles = request.GetRequestList();
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or InvalidOperationException or Asn1Exception or OcspException or FormatException)
        {
            return MalformedRequest;
        }
        // RFC 5019 2.1.1: one certificate per request; we answer the first and refuse empty lists.
        if (singles.Length != 1) return MalformedRequest;
        var id = singles[0].GetCertID();
        var nonce = request.RequestExtensions?.GetExtension(OcspObjectIdentifiers.PkixOcspNonce);
        var serialHex = SerialNumber.FromBytes(id.SerialNumber.ToByteArrayUnsigned()).Hex;
        var key = OcspResponseCache.Key(id.HashAlgOid, id.GetIssuerKeyHash(), serialHex);
        var now = clock.GetUtcNow();
        if (nonce is null && cache.TryGet(key, now, out var cached)) return cached;

        var ca = await FindIssuerAsync(id, ct);
        if (ca is null) return Unauthorized;
        if (!SerialNumber.TryParse(serialHex, out var serial)) return MalformedRequest;
        var cert = await certificates.GetAsync(serial, ct);
        try
        {
            var response = Build(ca, id, cert, nonce, now);
            if (nonce is null && cert is { Status: not (Contracts.CertificateStatus.Reserved or Contracts.CertificateStatus.Abandoned) } && cert.CaId == ca.Id)
                cache.Put(key, response);
            return response.Der;
        }
        catch (InvalidOperationException)
        {
            return InternalError;
        }
    }

    /// <summary>Signs a response for one certificate ahead of any request (SHA-1 CertID, which clients send by default).</summary>
    public async Task PresignAsync(IssuedCertificate cert, CancellationToken ct)
    {
        var ca = await cas.FindAsync(cert.CaId, ct);
        if (ca?.Certificate is null) return;
        var id = CertId(ca, cert.Serial);
        var response = Build(ca, id, cert, null, clock.GetUtcNow());
        cache.Put(OcspResponseCache.Key(Sha1, id.GetIssuerKeyHash(), cert.Serial.Hex), response);
    }

    public static CertificateID CertId(LoadedCa ca, SerialNumber serial) =>
        new(new CertID(new AlgorithmIdentifier(new DerObjectIdentifier(Sha1), DerNull.Instance),
            new DerOctetString(CertIdHashes.NameHashSha1(ca.Certificate!)),
            new DerOctetString(CertIdHashes.KeyHashSha1(ca.Certificate!)),
            new DerInteger(new Org.BouncyCastle.Math.BigInteger(1, serial.ToBytes()))));

    private async Task<LoadedCa?> FindIssuerAsync(CertificateID id, CancellationToken ct)
    {
        foreach (var ca in await cas.AllAsync(ct))
        {
            if (ca.Certificate is null) continue;
            if (id.MatchesIssuer(new X509Certificate(ca.Certificate.RawData))) return ca;
        }
        return null;
    }

    private CachedOcspResponse Build(LoadedCa ca, CertificateID id, IssuedCertificate? cert, Org.BouncyCastle.Asn1.X509.X509Extension? nonce, DateTimeOffset now)
    {
        var thisUpdate = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var nextUpdate = thisUpdate + options.Value.OcspResponseValidity;
        BcCertificateStatus? status = cert is null || cert.CaId != ca.Id ? new UnknownStatus() : cert.Status switch
        {
            Contracts.CertificateStatus.Valid => BcCertificateStatus.Good,
            Contracts.CertificateStatus.Revoked or Contracts.CertificateStatus.OnHold =>
                new RevokedStatus(cert.RevokedAt!.Value.UtcDateTime, (int)(cert.RevocationReason ?? RevocationReason.Unspecified)),
            _ => new UnknownStatus(),
        };

        var signerKey = ca.OcspResponderKey ?? ca.Key;
        var signerCert = ca.OcspResponderKey is not null ? ca.OcspResponder! : ca.Certificate!;
        var keyHash = CertIdHashes.KeyHashSha1(signerCert); // RFC 6960 ResponderID byKey is SHA-1 by definition
        var generator = new BasicOcspRespGenerator(new RespID(new ResponderID(new DerOctetString(keyHash))));
        generator.AddResponse(id, status, thisUpdate.UtcDateTime, nextUpdate.UtcDateTime, null);
        if (nonce is not null)
            generator.SetResponseExtensions(new X509Extensions(new Dictionary<DerObjectIdentifier, Org.BouncyCastle.Asn1.X509.X509Extension>
            {
                [OcspObjectIdentifiers.PkixOcspNonce] = nonce,
            }));
        var chain = ca.OcspResponderKey is not null ? new[] { BcCertificates.GetValue(signerCert, c => new X509Certificate(c.RawData)) } : null;
        var basic = generator.Generate(new CustodySignatureFactory(signerKey), chain, thisUpdate.UtcDateTime);
        var der = new OCSPRespGenerator().Generate(OCSPRespGenerator.Successful, basic).GetEncoded();
        return new CachedOcspResponse(der, thisUpdate, nextUpdate);
    }
}
