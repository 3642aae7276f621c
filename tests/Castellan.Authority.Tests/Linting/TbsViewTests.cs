using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Encoding;
using Castellan.Authority.Linting;
using Castellan.Authority.Profiles;

namespace Castellan.Authority.Tests.Linting;

/// <summary>The linter's DER view reads what OpenSSL reads from the same TBS wrapped as a certificate.</summary>
public class TbsViewTests
{
    public static TheoryData<string> Profiles => [.. BuiltInProfiles.All.Where(p => !p.IsCa).Select(p => p.Id)];

    [Theory]
    [MemberData(nameof(Profiles))]
    public void View_agrees_with_X509Certificate2_on_every_field_rules_read(string profileId)
    {
        var profile = BuiltInProfiles.All.Single(p => p.Id == profileId);
        string[] sans = profile.Trust == TrustStyle.PublicSmime ? ["email:alice@example.com"] : ["dns:www.example.com", "ip:192.0.2.10"];
        var subject = profile.Trust == TrustStyle.PublicSmime ? "E=alice@example.com" : "CN=www.example.com,O=Castellan";
        var tbs = LintKit.Tbs(LintKit.Template(profile, "P-256", subject, sans.Where(s => profile.AllowedSanTypes.Contains(s.StartsWith("ip:", StringComparison.Ordinal) ? SanType.Ip : s.StartsWith("email:", StringComparison.Ordinal) ? SanType.Email : SanType.Dns)).ToArray(), LintKit.Today));
        using var cert = X509CertificateLoader.LoadCertificate(ExtensionEncoder.AssembleSigned(tbs, LintKit.Issuer.Key.SignatureAlgorithmIdentifier.Span, [0x00]));

        var view = TbsView.Parse(tbs);

        Assert.Equal(cert.SerialNumberBytes.ToArray(), view.SerialNumberBytes.ToArray());
        Assert.Equal(cert.NotBefore.ToUniversalTime(), view.NotBefore);
        Assert.Equal(cert.NotAfter.ToUniversalTime(), view.NotAfter);
        Assert.Equal(cert.SubjectName.RawData, view.SubjectName.RawData);
        Assert.Equal(cert.PublicKey.EncodedKeyValue.RawData, view.PublicKey.EncodedKeyValue.RawData);
        Assert.Equal(cert.GetNameInfo(X509NameType.SimpleName, false), view.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal(cert.GetNameInfo(X509NameType.EmailName, false), view.GetNameInfo(X509NameType.EmailName, false));
        Assert.Equal(
            cert.Extensions.Select(e => (e.Oid!.Value, e.Critical, Convert.ToHexString(e.RawData), e.GetType().Name)),
            view.Extensions.Select(e => (e.Oid!.Value, e.Critical, Convert.ToHexString(e.RawData), e.GetType().Name)));
    }

    [Fact]
    public void Trailing_bytes_after_the_tbs_are_invalid_der()
    {
        var tbs = LintKit.Tbs(LintKit.Template(BuiltInProfiles.TlsClient, "P-256", "CN=alice", [], LintKit.Today));
        var failure = LintKit.Lint([.. tbs, 0x00], BuiltInProfiles.TlsClient, LintKit.Today);
        Assert.Equal("rfc5280.der", failure?.Rule);
    }

    [Fact]
    public void A_second_common_name_outside_the_sans_fails_even_when_the_last_one_is_listed()
    {
        // X509Certificate2.GetNameInfo reports one commonName; the BR rule is about every one.
        var tls = BuiltInProfiles.TlsServer;
        var tbs = LintKit.Tbs(LintKit.Template(tls, "P-256", "CN=www.example.com,CN=other.example.net", ["dns:www.example.com"], LintKit.Today));
        Assert.Equal("cabf.br.cn-in-san", LintKit.Lint(tbs, tls, LintKit.Today)?.Rule);
    }
}
