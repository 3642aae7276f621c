using System.Security.Cryptography;
using Castellan.Protocols.Acme.Jws;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Castellan.Protocols.Acme.Tests.Jws;

internal static class TestKeys
{
    public static (string Jwk, Func<byte[], byte[]> Sign) New(string alg)
    {
        switch (alg)
        {
            case "ES256":
            {
                var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var p = ec.ExportParameters(false);
                return ($"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64Url.Encode(p.Q.X)}\",\"y\":\"{Base64Url.Encode(p.Q.Y)}\"}}",
                    d => ec.SignData(d, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
            }
            case "RS256":
            {
                var rsa = RSA.Create(2048);
                var p = rsa.ExportParameters(false);
                return ($"{{\"e\":\"{Base64Url.Encode(p.Exponent)}\",\"kty\":\"RSA\",\"n\":\"{Base64Url.Encode(p.Modulus)}\"}}",
                    d => rsa.SignData(d, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            }
            default:
            {
                var gen = new Ed25519KeyPairGenerator();
                gen.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
                var pair = gen.GenerateKeyPair();
                var pub = ((Ed25519PublicKeyParameters)pair.Public).GetEncoded();
                return ($"{{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"{Base64Url.Encode(pub)}\"}}", d =>
                {
                    var s = new Ed25519Signer();
                    s.Init(true, pair.Private);
                    s.BlockUpdate(d, 0, d.Length);
                    return s.GenerateSignature();
                });
            }
        }
    }
}
