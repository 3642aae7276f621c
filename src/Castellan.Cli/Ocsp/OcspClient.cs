using System.Net.Http.Headers;
using System.Security.Cryptography;
using Castellan.Authority.Hierarchy;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.Oiw;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;

namespace Castellan.Cli.Ocsp;

public enum OcspCertStatus
{
    Good,
    Revoked,
    Unknown,
}

/// <summary>What a verified OCSP response says about one certificate.</summary>
public sealed record OcspAnswer(OcspCertStatus Status, DateTime ThisUpdate, DateTime? NextUpdate, DateTime? RevokedAt, int? Reason, string Responder);

/// <summary>
/// An RFC 6960 client: builds the request (SHA-1 CertID, as RFC 5019 2.1.1 expects, and an RFC 8954 nonce), POSTs it
/// (RFC 6960 A.1), and accepts the answer only after checking who signed it (4.2.2.2), that it answers our CertID
/// and nonce, and that it is current.
/// </summary>
public sealed class OcspClient(HttpClient http, TimeProvider clock)
{
    /// <summary>RFC 5019 2.2.2 allows small clock differences between responder and client.</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    private const int MaxResponseBytes = 64 * 1024;

    public async Task<Result<OcspAnswer>> CheckAsync(X509Certificate certificate, X509Certificate issuer, Uri responder, CancellationToken ct)
    {
        if (!certificate.IssuerDN.Equivalent(issuer.SubjectDN))
            return new MalformedInput($"the issuer file holds '{Dn(issuer.SubjectDN)}', but the certificate was issued by '{Dn(certificate.IssuerDN)}'");

        // 1. Request: one CertID and a fresh nonce, so a replayed or cached answer cannot pass as a current one.
        var issuerCertificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(issuer.GetEncoded());
        var id = new CertificateID(new CertID(new AlgorithmIdentifier(OiwObjectIdentifiers.IdSha1, DerNull.Instance),
            new DerOctetString(CertIdHashes.NameHashSha1(issuerCertificate)), new DerOctetString(CertIdHashes.KeyHashSha1(issuerCertificate)),
            new DerInteger(certificate.SerialNumber)));
        var nonce = RandomNumberGenerator.GetBytes(32);
        var generator = new OcspReqGenerator();
        generator.AddRequest(id);
        generator.SetRequestExtensions(new X509Extensions(new Dictionary<DerObjectIdentifier, X509Extension>
        {
            [OcspObjectIdentifiers.PkixOcspNonce] = new(false, new DerOctetString(new DerOctetString(nonce))),
        }));
        var requestDer = generator.Generate().GetEncoded();

        // 2. POST it.
        using var content = new ByteArrayContent(requestDer);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
        using var message = new HttpRequestMessage(HttpMethod.Post, responder) { Content = content };
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/ocsp-response"));
        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode) return new PolicyViolation("ocsp.http", $"the responder answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        if (response.Content.Headers.ContentLength > MaxResponseBytes) return new PolicyViolation("ocsp.size", "the OCSP response is too large");
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        if (body.Length > MaxResponseBytes) return new PolicyViolation("ocsp.size", "the OCSP response is too large");

        // 3. Read and authenticate it.
        return Evaluate(body, id, nonce, issuer);
    }

    internal Result<OcspAnswer> Evaluate(byte[] body, CertificateID id, byte[] nonce, X509Certificate issuer)
    {
        BasicOcspResp basic;
        try
        {
            var outer = new OcspResp(body);
            if (outer.Status != OcspRespStatus.Successful) return new PolicyViolation("ocsp.status", $"the responder refused: {StatusName(outer.Status)}");
            if (outer.GetResponseObject() is not BasicOcspResp b) return new PolicyViolation("ocsp.type", "the response is not an id-pkix-ocsp-basic response");
            basic = b;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or OcspException or Asn1Exception or InvalidOperationException)
        {
            return new MalformedInput("the responder's answer is not an OCSP response");
        }

        var signer = FindSigner(basic, issuer);
        if (signer.IsError) return signer.Error;
        if (!VerifySignature(basic, signer.Value)) return new PolicyViolation("ocsp.signature", "the OCSP response signature does not verify");

        // RFC 8954 2.1: a responder that echoes a nonce must echo ours; one that ignores nonces must at least be fresh (below).
        var echoed = basic.ResponseExtensions?.GetExtension(OcspObjectIdentifiers.PkixOcspNonce);
        if (echoed is not null && !NonceMatches(echoed, nonce)) return new PolicyViolation("ocsp.nonce", "the response carries a different nonce (replayed?)");

        var single = basic.Responses.FirstOrDefault(r => r.GetCertID().Equals(id));
        if (single is null) return new PolicyViolation("ocsp.certid", "the response does not answer for this certificate");
        var now = clock.GetUtcNow().UtcDateTime;
        if (single.ThisUpdate > now + Skew) return new PolicyViolation("ocsp.time", "the response's thisUpdate is in the future");
        if (single.NextUpdate is { } next && next < now - Skew) return new PolicyViolation("ocsp.time", "the response has expired (nextUpdate is past)");

        var responderName = Dn(signer.Value.SubjectDN);
        return single.GetCertStatus() switch
        {
            null => new OcspAnswer(OcspCertStatus.Good, single.ThisUpdate, single.NextUpdate, null, null, responderName),
            RevokedStatus revoked => new OcspAnswer(OcspCertStatus.Revoked, single.ThisUpdate, single.NextUpdate, revoked.RevocationTime,
                revoked.HasRevocationReason ? revoked.RevocationReason : null, responderName),
            _ => new OcspAnswer(OcspCertStatus.Unknown, single.ThisUpdate, single.NextUpdate, null, null, responderName),
        };
    }

    /// <summary>
    /// RFC 6960 4.2.2.2: the signer is the CA itself, or a responder certificate the CA issued directly that carries
    /// id-kp-OCSPSigning and is valid now. The ResponderID (byName or byKey) tells which certificate signed.
    /// </summary>
    private Result<X509Certificate> FindSigner(BasicOcspResp basic, X509Certificate issuer)
    {
        var responderId = basic.ResponderId;
        if (Names(issuer, responderId)) return issuer;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var candidate in basic.GetCerts())
        {
            if (!Names(candidate, responderId)) continue;
            if (!candidate.IssuerDN.Equivalent(issuer.SubjectDN) || !SignedBy(candidate, issuer))
                return new PolicyViolation("ocsp.responder", $"the responder certificate '{Dn(candidate.SubjectDN)}' was not issued by the certificate's CA");
            if (candidate.GetExtendedKeyUsage()?.Contains(KeyPurposeID.id_kp_OCSPSigning) != true)
                return new PolicyViolation("ocsp.responder", $"the responder certificate '{Dn(candidate.SubjectDN)}' lacks id-kp-OCSPSigning");
            if (now < candidate.NotBefore - Skew || now > candidate.NotAfter + Skew)
                return new PolicyViolation("ocsp.responder", $"the responder certificate '{Dn(candidate.SubjectDN)}' is not valid now");
            return candidate;
        }
        return new PolicyViolation("ocsp.responder", "the response is signed neither by the CA nor by a responder certificate the CA issued");
    }

    private static bool Names(X509Certificate certificate, RespID id) =>
        id.Equals(new RespID(certificate.GetPublicKey())) || id.Equals(new RespID(certificate.SubjectDN));

    private static bool SignedBy(X509Certificate certificate, X509Certificate issuer)
    {
        try
        {
            certificate.Verify(issuer.GetPublicKey());
            return true;
        }
        catch (Exception e) when (e is Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.Certificates.CertificateException or Org.BouncyCastle.Security.SignatureException)
        {
            return false;
        }
    }

    private static bool VerifySignature(BasicOcspResp basic, X509Certificate signer)
    {
        try
        {
            return basic.Verify(signer.GetPublicKey());
        }
        catch (OcspException)
        {
            return false;
        }
    }

    private static bool NonceMatches(X509Extension echoed, byte[] nonce)
    {
        // The extension value is an OCTET STRING wrapping the nonce OCTET STRING (RFC 8954 2.1); accept the bare form too.
        var value = echoed.Value.GetOctets();
        try
        {
            if (Asn1Object.FromByteArray(value) is Asn1OctetString inner && inner.GetOctets().AsSpan().SequenceEqual(nonce)) return true;
        }
        catch (IOException)
        {
        }
        return value.AsSpan().SequenceEqual(nonce);
    }

    /// <summary>RFC 4514 order ("CN=..., O=..."), as operators type names for <c>ca create --subject</c>.</summary>
    private static string Dn(X509Name name) => new System.Security.Cryptography.X509Certificates.X500DistinguishedName(name.GetEncoded()).Name;

    private static string StatusName(int status) => status switch
    {
        OcspRespStatus.MalformedRequest => "malformedRequest",
        OcspRespStatus.InternalError => "internalError",
        OcspRespStatus.TryLater => "tryLater",
        OcspRespStatus.SigRequired => "sigRequired",
        OcspRespStatus.Unauthorized => "unauthorized",
        _ => $"status {status}",
    };
}
