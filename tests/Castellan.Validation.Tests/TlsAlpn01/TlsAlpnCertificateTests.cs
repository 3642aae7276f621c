using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Castellan.Validation.Contracts;
using Castellan.Validation.TlsAlpn01;

namespace Castellan.Validation.Tests.TlsAlpn01;

/// <summary>RFC 8737 §3 certificate checks, and RFC 8738 §6 for IP identifiers (reverse-DNS SNI, iPAddress SAN).</summary>
public sealed class TlsAlpnCertificateTests
{
    private const string KeyAuthorization = "tok.thumbprint";

    [Theory]
    [InlineData("127.0.0.1", "1.0.0.127.in-addr.arpa")]
    [InlineData("192.0.2.10", "10.2.0.192.in-addr.arpa")]
    [InlineData("::ffff:192.0.2.10", "10.2.0.192.in-addr.arpa")]
    [InlineData("::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa")]
    [InlineData("2001:db8::567:89ab", "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa")]
    public void ReverseName_is_the_in_addr_or_ip6_arpa_name(string address, string expected) =>
        Assert.Equal(expected, TlsAlpnChecker.ReverseName(IPAddress.Parse(address)));

    [Fact]
    public void CheckCertificate_IP_identifier_needs_exactly_its_iPAddress()
    {
        var ip = new Identifier(IdentifierType.Ip, "192.0.2.10");
        using (var good = Certificate(san => san.AddIpAddress(IPAddress.Parse("192.0.2.10"))))
            Assert.Null(TlsAlpnChecker.CheckCertificate(good, ip, KeyAuthorization));
        using (var asName = Certificate(san => san.AddDnsName("192.0.2.10")))
            Assert.Contains("iPAddress 192.0.2.10", TlsAlpnChecker.CheckCertificate(asName, ip, KeyAuthorization));
        using (var reverse = Certificate(san => san.AddDnsName("10.2.0.192.in-addr.arpa")))
            Assert.Contains("iPAddress", TlsAlpnChecker.CheckCertificate(reverse, ip, KeyAuthorization));
        using (var other = Certificate(san => san.AddIpAddress(IPAddress.Parse("192.0.2.11"))))
            Assert.Contains("iPAddress", TlsAlpnChecker.CheckCertificate(other, ip, KeyAuthorization));
        using (var extra = Certificate(san => { san.AddIpAddress(IPAddress.Parse("192.0.2.10")); san.AddDnsName("example.com"); }))
            Assert.Contains("iPAddress", TlsAlpnChecker.CheckCertificate(extra, ip, KeyAuthorization));
    }

    [Fact]
    public void CheckCertificate_IPv6_is_compared_as_an_address_not_as_text()
    {
        using var cert = Certificate(san => san.AddIpAddress(IPAddress.Parse("2001:db8::1")));
        Assert.Null(TlsAlpnChecker.CheckCertificate(cert, new Identifier(IdentifierType.Ip, "2001:0db8:0:0::1"), KeyAuthorization));
    }

    [Fact]
    public void CheckCertificate_DNS_identifier_refuses_an_iPAddress_SAN()
    {
        using var cert = Certificate(san => san.AddIpAddress(IPAddress.Parse("192.0.2.10")));
        Assert.Contains("dNSName example.com", TlsAlpnChecker.CheckCertificate(cert, new Identifier(IdentifierType.Dns, "example.com"), KeyAuthorization));
    }

    private static X509Certificate2 Certificate(Action<SubjectAlternativeNameBuilder> names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=acme-tls", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        names(san);
        request.CertificateExtensions.Add(san.Build());
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(SHA256.HashData(Encoding.ASCII.GetBytes(KeyAuthorization)));
        request.CertificateExtensions.Add(new X509Extension(TlsAlpnChecker.AcmeIdentifierOid, writer.Encode(), critical: true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
