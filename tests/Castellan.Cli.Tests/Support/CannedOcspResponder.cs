using System.Net;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using X509Extension = Org.BouncyCastle.Asn1.X509.X509Extension;

namespace Castellan.Cli.Tests.Support;

/// <summary>
/// A tiny CA (issuer + leaf) and an OCSP responder on loopback that answers "good" for the leaf, signed however the
/// test asks: correctly, or in one of the ways a client must refuse.
/// </summary>
public sealed class CannedOcspResponder : IAsyncDisposable
{
    public enum Signing
    {
        ByIssuer,
        ByOtherKeyClaimingIssuer,
        ByResponderNotIssuedByCa,
        ByResponderWithoutOcspSigning,
        ByDelegatedResponder,
        WithWrongNonce,
    }

    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly Signing _signing;
    private readonly AsymmetricCipherKeyPair _caKey = NewKey();
    private readonly X509Certificate _ca;

    public CannedOcspResponder(string directory, Signing signing)
    {
        _signing = signing;
        _ca = Certificate("CN=Canned CA", "CN=Canned CA", _caKey.Public, _caKey.Private, ca: true, ocspSigning: false);
        var leaf = Certificate("CN=leaf.example.com", "CN=Canned CA", NewKey().Public, _caKey.Private, ca: false, ocspSigning: false);
        IssuerPem = Path.Combine(directory, "canned-ca.pem");
        LeafPem = Path.Combine(directory, "canned-leaf.pem");
        File.WriteAllText(IssuerPem, PemEncoding.WriteString("CERTIFICATE", _ca.GetEncoded()) + "\n");
        File.WriteAllText(LeafPem, PemEncoding.WriteString("CERTIFICATE", leaf.GetEncoded()) + "\n");
        Url = $"http://127.0.0.1:{FreePort.Next()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }
    public string IssuerPem { get; }
    public string LeafPem { get; }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var answer = Answer(new OcspReq(body.ToArray()));
            context.Response.ContentType = "application/ocsp-response";
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }

    private byte[] Answer(OcspReq request)
    {
        var now = DateTime.UtcNow.AddSeconds(-5);
        var (signerCert, signerKey) = _signing switch
        {
            Signing.ByIssuer or Signing.WithWrongNonce => (_ca, _caKey.Private),
            Signing.ByOtherKeyClaimingIssuer => (_ca, NewKey().Private),
            Signing.ByResponderNotIssuedByCa => Responder(issuedByCa: false, ocspSigning: true),
            Signing.ByResponderWithoutOcspSigning => Responder(issuedByCa: true, ocspSigning: false),
            _ => Responder(issuedByCa: true, ocspSigning: true),
        };
        var generator = new BasicOcspRespGenerator(new RespID(signerCert.SubjectDN));
        generator.AddResponse(request.GetRequestList()[0].GetCertID(), CertificateStatus.Good, now, now.AddHours(1), null);
        if (request.RequestExtensions?.GetExtension(OcspObjectIdentifiers.PkixOcspNonce) is { } nonce)
        {
            var echoed = _signing == Signing.WithWrongNonce ? new X509Extension(false, new DerOctetString(new DerOctetString(RandomNumberGenerator.GetBytes(32)))) : nonce;
            generator.SetResponseExtensions(new X509Extensions(new Dictionary<DerObjectIdentifier, X509Extension> { [OcspObjectIdentifiers.PkixOcspNonce] = echoed }));
        }
        var chain = signerCert == _ca ? null : new[] { signerCert };
        var basic = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", signerKey), chain, now);
        return new OCSPRespGenerator().Generate(OCSPRespGenerator.Successful, basic).GetEncoded();
    }

    private (X509Certificate, AsymmetricKeyParameter) Responder(bool issuedByCa, bool ocspSigning)
    {
        var key = NewKey();
        var signer = issuedByCa ? _caKey.Private : key.Private;
        return (Certificate("CN=Canned Responder", issuedByCa ? "CN=Canned CA" : "CN=Canned Responder", key.Public, signer, ca: false, ocspSigning), key.Private);
    }

    private static X509Certificate Certificate(string subject, string issuer, AsymmetricKeyParameter publicKey, AsymmetricKeyParameter signer, bool ca, bool ocspSigning)
    {
        var g = new X509V3CertificateGenerator();
        g.SetSerialNumber(new BigInteger(1, RandomNumberGenerator.GetBytes(16)));
        g.SetSubjectDN(new X509Name(subject));
        g.SetIssuerDN(new X509Name(issuer));
        g.SetNotBefore(DateTime.UtcNow.AddMinutes(-5));
        g.SetNotAfter(DateTime.UtcNow.AddDays(1));
        g.SetPublicKey(publicKey);
        g.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(ca));
        if (ocspSigning) g.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeID.id_kp_OCSPSigning));
        return g.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", signer));
    }

    private static AsymmetricCipherKeyPair NewKey()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, new SecureRandom()));
        return generator.GenerateKeyPair();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
