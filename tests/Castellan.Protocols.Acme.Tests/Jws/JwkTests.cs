using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Castellan.Protocols.Acme.Jws;
using Castellan.Protocols.Acme.Messages;

namespace Castellan.Protocols.Acme.Tests.Jws;

public class JwkTests
{
    /// <summary>RFC 7638 §3.1: the worked example and its thumbprint.</summary>
    [Fact]
    public void Thumbprint_of_the_RFC_7638_example_key_is_the_published_value()
    {
        const string jwk = """
            {"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}
            """;
        var key = Jwk.Parse(JsonDocument.Parse(jwk).RootElement);
        Assert.NotNull(key);
        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", key.Thumbprint);
    }

    [Fact]
    public void Thumbprint_ignores_member_order_and_extra_members()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(false);
        var x = Base64Url.Encode(p.Q.X);
        var y = Base64Url.Encode(p.Q.Y);
        var a = Jwk.Parse(JsonDocument.Parse($"{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{x}\",\"y\":\"{y}\"}}").RootElement)!;
        var b = Jwk.Parse(JsonDocument.Parse($"{{\"y\":\"{y}\",\"use\":\"sig\",\"x\":\"{x}\",\"crv\":\"P-256\",\"kty\":\"EC\"}}").RootElement)!;
        Assert.Equal(a.Thumbprint, b.Thumbprint);
        var expected = Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes($"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{x}\",\"y\":\"{y}\"}}")));
        Assert.Equal(expected, a.Thumbprint);
    }

    [Theory]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}""")]
    [InlineData("""{"kty":"EC","crv":"P-521","x":"AAAA","y":"AAAA"}""")]
    [InlineData("""{"kty":"RSA","n":"AQAB","e":"AQAB"}""")]
    [InlineData("""{"kty":"oct","k":"AQAB"}""")]
    [InlineData("""{"kty":"OKP","crv":"X25519","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""")]
    [InlineData("""[]""")]
    public void Parse_refuses_keys_that_are_not_acceptable_account_keys(string json) =>
        Assert.Null(Jwk.Parse(JsonDocument.Parse(json).RootElement));

    [Fact]
    public void Parse_refuses_a_point_that_is_not_on_the_curve()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(false);
        p.Q.Y![31] ^= 1;
        Assert.Null(Jwk.Parse(JsonDocument.Parse($"{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{Base64Url.Encode(p.Q.X)}\",\"y\":\"{Base64Url.Encode(p.Q.Y)}\"}}").RootElement));
    }

    [Fact]
    public void Parse_refuses_a_private_key()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(true);
        Assert.Null(Jwk.Parse(JsonDocument.Parse($"{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{Base64Url.Encode(p.Q.X)}\",\"y\":\"{Base64Url.Encode(p.Q.Y)}\",\"d\":\"{Base64Url.Encode(p.D)}\"}}").RootElement));
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("RS256")]
    [InlineData("EdDSA")]
    public void A_signed_flattened_JWS_verifies_and_a_flipped_bit_does_not(string alg)
    {
        var (jwk, sign) = TestKeys.New(alg);
        var protectedB64 = Base64Url.Encode(Encoding.UTF8.GetBytes($"{{\"alg\":\"{alg}\",\"nonce\":\"n\",\"url\":\"https://x/acme\",\"jwk\":{jwk}}}"));
        var payloadB64 = Base64Url.Encode("{}"u8);
        var signature = sign(Encoding.ASCII.GetBytes(protectedB64 + "." + payloadB64));
        var body = Encoding.UTF8.GetBytes($"{{\"protected\":\"{protectedB64}\",\"payload\":\"{payloadB64}\",\"signature\":\"{Base64Url.Encode(signature)}\"}}");
        var parsed = FlattenedJws.Parse(body);
        Assert.False(parsed.IsError, parsed.Error?.Detail);
        var m = parsed.Value;
        Assert.True(m.Jwk!.Verify(m.Alg, m.SigningInput, m.Signature));
        signature[5] ^= 1;
        Assert.False(m.Jwk.Verify(m.Alg, m.SigningInput, signature));
    }

    [Theory]
    [InlineData("not json", "malformed")]
    [InlineData("""{"protected":"e30","payload":"","signature":"a+b/"}""", "base64url")]
    [InlineData("""{"protected":"e30=","payload":"","signature":""}""", "base64url")]
    [InlineData("""{"signatures":[]}""", "flattened")]
    [InlineData("""{"protected":"eyJhbGciOiJIUzI1NiJ9","payload":"","signature":""}""", "HS256")]
    [InlineData("""{"protected":"eyJhbGciOiJub25lIn0","payload":"","signature":""}""", "none")]
    public void Parse_refuses_malformed_messages(string body, string detailMentions)
    {
        var parsed = FlattenedJws.Parse(Encoding.UTF8.GetBytes(body));
        Assert.True(parsed.IsError);
        Assert.Contains(detailMentions == "malformed" ? "JSON" : detailMentions, parsed.Error!.Detail, StringComparison.OrdinalIgnoreCase);
    }
}
