using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Profiles;

namespace Castellan.Authority.Tests.Linting;

/// <summary>Every built-in profile, with every subscriber key type it allows, produces a certificate the linter passes.</summary>
public class BuiltInProfilesLintTests
{
    private static readonly int[] RsaSizes = [2048, 3072, 4096];

    /// <summary>Names and SANs a subscriber would ask for under each profile.</summary>
    private static readonly Dictionary<string, (string Subject, string[] Sans)> Requests = new()
    {
        ["tls-server"] = ("CN=www.example.com", ["dns:www.example.com", "dns:*.example.com", "ip:203.0.114.7"]),
        ["tls-server-ov"] = ("CN=www.example.com,O=Example Ltd,L=London,C=GB", ["dns:www.example.com", "dns:*.example.com"]),
        ["tls-server-ev"] = ("CN=www.example.com,O=Example Ltd,L=London,C=GB,SERIALNUMBER=01234567", ["dns:www.example.com"]),
        ["tls-client"] = ("CN=alice,O=Example,C=GB", ["email:alice@example.com", "uri:spiffe://example.com/alice"]),
        ["mtls"] = ("CN=svc.example.com,O=Example", ["dns:svc.example.com", "ip:10.0.0.7", "uri:spiffe://example.com/svc"]),
        ["smime-mailbox"] = ("CN=Alice", ["email:alice@example.com"]),
        ["code-signing"] = ("CN=Example Release Signing,O=Example,C=GB", []),
        ["document-signing"] = ("CN=Alice Example,O=Example", ["email:alice@example.com"]),
        ["ocsp-signing"] = ("CN=Example OCSP Responder", []),
        ["sub-ca"] = ("CN=Example Sub CA,O=Example", []),
    };

    public static TheoryData<string, string> ProfileAndKeyType()
    {
        var data = new TheoryData<string, string>();
        foreach (var p in BuiltInProfiles.All)
        {
            foreach (var curve in p.AllowedCurves) data.Add(p.Id, curve);
            if (!p.AllowRsa) continue;
            foreach (var bits in RsaSizes.Where(b => b >= Math.Max(2048, p.MinRsaBits))) data.Add(p.Id, $"RSA-{bits}");
        }
        return data;
    }

    [Fact]
    public void Every_built_in_profile_has_a_request_in_this_test() =>
        Assert.Equal(BuiltInProfiles.All.Select(p => p.Id).Order(), Requests.Keys.Order());

    [Theory]
    [MemberData(nameof(ProfileAndKeyType))]
    public void Profile_with_allowed_key_type_passes_the_linter(string profileId, string keyType)
    {
        var profile = BuiltInProfiles.All.Single(p => p.Id == profileId);
        var (subject, sans) = Requests[profileId];
        var template = LintKit.Template(profile, keyType, subject, sans, LintKit.Today);

        var tbs = LintKit.Tbs(template);
        var failure = LintKit.Lint(tbs, profile, LintKit.Today);

        Assert.True(failure is null, $"{profileId} with {keyType}: {failure?.Rule} {failure?.Detail}");
        // And the TBS really says what the profile says: the lint saw a certificate of this kind.
        using var parsed = X509CertificateLoader.LoadCertificate(Castellan.Authority.Encoding.ExtensionEncoder.AssembleSigned(tbs,
            LintKit.Issuer.Key.SignatureAlgorithmIdentifier.Span, [0x00]));
        Assert.Equal(profile.IsCa, parsed.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(profile.KeyUsage, parsed.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
    }

    [Theory]
    [MemberData(nameof(ProfileAndKeyType))]
    public void Profile_at_its_maximum_validity_passes_and_one_day_more_fails(string profileId, string keyType)
    {
        var profile = BuiltInProfiles.All.Single(p => p.Id == profileId);
        var (subject, sans) = Requests[profileId];

        Assert.Null(LintKit.Lint(LintKit.Tbs(LintKit.Template(profile, keyType, subject, sans, LintKit.Today, profile.MaxValidityDays)), profile, LintKit.Today));
        var tooLong = LintKit.Lint(LintKit.Tbs(LintKit.Template(profile, keyType, subject, sans, LintKit.Today, profile.MaxValidityDays + 1)), profile, LintKit.Today);
        Assert.Equal("profile.validity", tooLong?.Rule);
    }
}
