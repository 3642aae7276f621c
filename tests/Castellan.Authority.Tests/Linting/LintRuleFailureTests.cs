using System.Security.Cryptography.X509Certificates;
using Castellan.Authority.Contracts;
using Castellan.Authority.Linting;
using Castellan.Authority.Profiles;
using Microsoft.Extensions.Time.Testing;

namespace Castellan.Authority.Tests.Linting;

/// <summary>Each lint rule has a certificate that fails it, and the failure names that rule.</summary>
public class LintRuleFailureTests
{
    private static readonly DateTimeOffset Now = LintKit.Today;
    private static readonly CertificateProfile Tls = BuiltInProfiles.TlsServer;
    private static readonly CertificateProfile Client = BuiltInProfiles.TlsClient;
    private static readonly CertificateProfile Smime = BuiltInProfiles.SmimeMailbox;

    /// <summary>For each rule id: the TBS, the profile it is linted under, and whether the issuer is treated as self-signed.</summary>
    private static readonly Dictionary<string, Func<(byte[] Tbs, CertificateProfile Profile)>> Cases = new()
    {
        ["rfc5280.serial"] = () =>
        {
            var t = LintKit.Template(Client, "P-256", "CN=alice", [], Now) with { Serial = SerialNumber.FromBytes([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]) };
            return (LintKit.Tbs(t), Client);
        },
        ["rfc5280.validity"] = () =>
        {
            var t = LintKit.Template(Client, "P-256", "CN=alice", [], Now);
            return (LintKit.Tbs(t with { NotAfter = t.NotBefore }), Client);
        },
        ["profile.validity"] = () => (LintKit.Tbs(LintKit.Template(Client, "P-256", "CN=alice", [], Now, Client.MaxValidityDays + 1)), Client),
        ["rfc5280.extension.criticality"] = () =>
        {
            var tbs = LintKit.Tbs(LintKit.Template(Client, "P-256", "CN=alice", [], Now));
            return (LintKit.EditExtensions(tbs, e => [e.Oid == Oids.KeyUsage ? (e.Oid, false, e.Value) : e]), Client);
        },
        ["rfc5280.extension.duplicate"] = () =>
        {
            var tbs = LintKit.Tbs(LintKit.Template(Client, "P-256", "CN=alice", [], Now));
            return (LintKit.EditExtensions(tbs, e => e.Oid == Oids.ExtendedKeyUsage ? [e, e] : [e]), Client);
        },
        ["rfc5280.aki"] = () =>
        {
            // An issuer without a certificate whose name equals the subject looks self-signed to the builder, which
            // then leaves out the AKI; linted as not self-signed, the missing AKI must be caught.
            var issuer = LintKit.NewIssuer("CN=alice") with { Certificate = null };
            return (LintKit.Tbs(LintKit.Template(Client, "P-256", "CN=alice", [], Now), issuer), Client);
        },
        ["rfc5280.basic-constraints"] = () =>
        {
            var profile = Client with { KeyUsage = Client.KeyUsage | X509KeyUsageFlags.KeyCertSign };
            return (LintKit.Tbs(LintKit.Template(profile, "P-256", "CN=alice", [], Now)), profile);
        },
        ["rfc5280.san"] = () => (LintKit.Tbs(LintKit.Template(Client, "P-256", "CN=alice", ["dns:*.example.com"], Now)), Client),
        ["key.strength"] = () => (LintKit.Tbs(LintKit.Template(Client, "RSA-1024", "CN=alice", [], Now)), Client),
        ["cabf.br.validity"] = () =>
        {
            // A public TLS profile allowed 398 days by its own maximum still meets the 200-day BR limit of today.
            var profile = Tls with { MaxValidityDays = 398 };
            return (LintKit.Tbs(LintKit.Template(profile, "P-256", "CN=www.example.com", ["dns:www.example.com"], Now, 201)), profile);
        },
        ["cabf.br.san-required"] = () =>
        {
            var profile = Tls with { RequireSan = false };
            return (LintKit.Tbs(LintKit.Template(profile, "P-256", "CN=www.example.com", [], Now)), profile);
        },
        ["cabf.br.internal-name"] = () => (LintKit.Tbs(LintKit.Template(Tls, "P-256", "CN=www.example.com", ["dns:www.example.com", "dns:db.corp"], Now)), Tls),
        ["cabf.br.cn-in-san"] = () => (LintKit.Tbs(LintKit.Template(Tls, "P-256", "CN=other.example.com", ["dns:www.example.com"], Now)), Tls),
        ["cabf.br.eku"] = () =>
        {
            var profile = Tls with { ExtendedKeyUsages = [Oids.ServerAuth, Oids.CodeSigning] };
            return (LintKit.Tbs(LintKit.Template(profile, "P-256", "CN=www.example.com", ["dns:www.example.com"], Now)), profile);
        },
        ["cabf.smime.validity"] = () =>
        {
            var profile = Smime with { MaxValidityDays = 1000 };
            return (LintKit.Tbs(LintKit.Template(profile, "P-256", "CN=Alice", ["email:alice@example.com"], Now, 826)), profile);
        },
        ["cabf.smime.mailbox"] = () =>
        {
            var profile = Smime with { AllowedSanTypes = [SanType.Email, SanType.Dns] };
            return (LintKit.Tbs(LintKit.Template(profile, "P-256", "CN=Alice", ["email:alice@example.com", "dns:mail.example.com"], Now)), profile);
        },
    };

    public static TheoryData<string> RuleIds() => new(Cases.Keys);

    [Fact]
    public void Every_rule_of_the_linter_has_a_failing_case_here()
    {
        var ids = new CertificateLinter(new FakeTimeProvider(Now)).Rules.Select(r => r.Id).Order().ToList();
        Assert.Equal(16, ids.Count);
        Assert.Equal(ids, Cases.Keys.Order().ToList());
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Certificate_breaking_the_rule_fails_with_that_rule_id(string ruleId)
    {
        var (tbs, profile) = Cases[ruleId]();

        var failure = LintKit.Lint(tbs, profile, Now);

        Assert.NotNull(failure);
        Assert.Equal(ruleId, failure.Rule);
        Assert.StartsWith($"lint {ruleId}: ", failure.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_a_tbs_fail_as_invalid_der()
    {
        var failure = LintKit.Lint([0x30, 0x03, 0x02, 0x01, 0x01], Client, Now);
        Assert.Equal("rfc5280.der", failure?.Rule);
    }

    [Fact]
    public void Self_signed_root_needs_no_aki()
    {
        var root = LintKit.NewIssuer("CN=Root") with { Certificate = null };
        var profile = BuiltInProfiles.SubordinateCa with { Id = "root-ca", IncludeCrlDistributionPoint = false, IncludeCaIssuersUrl = false };
        var tbs = LintKit.Tbs(LintKit.Template(profile, "P-256", "CN=Root", [], Now), root);

        Assert.Null(LintKit.Lint(tbs, profile, Now, selfSigned: true, issuer: root));
        Assert.Equal("rfc5280.aki", LintKit.Lint(tbs, profile, Now, selfSigned: false, issuer: root)?.Rule);
    }
}
