using Castellan.Cli.Tests.Support;
using Castellan.IntegrationTests.Support;

namespace Castellan.Cli.Tests;

/// <summary><c>castellan init</c> and <c>castellan ca list|create|export</c>, checked with openssl.</summary>
public sealed class InitAndCaTests(Installation install) : IClassFixture<Installation>
{
    [Fact]
    public async Task Init_creates_root_and_issuing_ca_and_prints_the_admin_key_once()
    {
        Assert.Contains("initialised a CA hierarchy", install.Init.StdOut);
        Assert.Matches(@"(?m)^root\s+root\s+active\s+ec-p384", install.Init.StdOut);
        Assert.Matches(@"(?m)^issuing-1\s+intermediate\s+active\s+ec-p256\s+root", install.Init.StdOut);
        Assert.Matches(@"(?m)^\s+cstl_[A-Za-z0-9_-]{40,}$", install.Init.StdOut);

        var again = await install.SucceedAsync("init");
        Assert.Contains("was already initialised", again.StdOut);
        Assert.DoesNotContain("cstl_", again.StdOut);
        Assert.True(File.Exists(Path.Combine(install.DataDirectory, "castellan.db")));
    }

    [Fact]
    public async Task Exported_issuing_ca_chains_to_the_exported_root()
    {
        var verify = await Tools.OpenSslAsync("verify", "-CAfile", install.RootPem, install.IssuingPem);
        Assert.True(verify.ExitCode == 0, verify.All);
        var root = await Tools.OpenSslAsync("x509", "-in", install.RootPem, "-noout", "-subject");
        Assert.Contains("CN = Castellan Root CA", root.StdOut);

        var chain = Path.Combine(install.Work, "issuing-chain.pem");
        await install.SucceedAsync("ca", "export", "issuing-1", "--chain", "--out", chain);
        Assert.Equal(2, Tools.SplitPem(await File.ReadAllTextAsync(chain)).Count);
    }

    [Fact]
    public async Task Ca_create_makes_a_constrained_intermediate_that_openssl_accepts()
    {
        var created = await install.SucceedAsync("ca", "create", "team-a", "--parent", "root", "--subject", "CN=Team A CA,O=Example",
            "--key", "ec-p384", "--path-length", "0", "--permit-dns", "team-a.example.com", "--days", "365");
        Assert.Contains("created intermediate CA 'team-a'", created.StdOut);

        var pem = Path.Combine(install.Work, "team-a.pem");
        await install.SucceedAsync("ca", "export", "team-a", "--out", pem);
        var text = await Tools.OpenSslAsync("x509", "-in", pem, "-noout", "-text");
        Assert.Contains("CA:TRUE, pathlen:0", text.StdOut);
        Assert.Contains("DNS:team-a.example.com", text.StdOut);
        Assert.Contains("NIST CURVE: P-384", text.StdOut);
        var verify = await Tools.OpenSslAsync("verify", "-CAfile", install.RootPem, pem);
        Assert.True(verify.ExitCode == 0, verify.All);

        var list = await install.SucceedAsync("ca", "list");
        Assert.Matches(@"(?m)^team-a\s+intermediate\s+active\s+ec-p384\s+root", list.StdOut);

        // Path length 0 forbids a CA below it (RFC 5280 4.2.1.9): refused, one line, exit 1.
        var below = await install.RunAsync("ca", "create", "team-a-sub", "--parent", "team-a", "--subject", "CN=Below");
        Assert.Equal(1, below.ExitCode);
        Assert.Equal("castellan: error: parent CA 'team-a' has path length 0 and cannot sign another CA", below.StdErr.TrimEnd());
    }

    [Fact]
    public async Task Ca_create_root_without_parent_is_self_signed()
    {
        await install.SucceedAsync("ca", "create", "second-root", "--subject", "CN=Second Root,O=Example", "--path-length", "1");
        var pem = Path.Combine(install.Work, "second-root.pem");
        await install.SucceedAsync("ca", "export", "second-root", "--out", pem);
        var verify = await Tools.OpenSslAsync("verify", "-CAfile", pem, pem);
        Assert.True(verify.ExitCode == 0, verify.All);
        var text = await Tools.OpenSslAsync("x509", "-in", pem, "-noout", "-subject", "-issuer");
        // openssl prints RDNs in encoding order; the DN was given most-specific first (RFC 4514).
        Assert.Contains("subject=O = Example, CN = Second Root", text.StdOut);
        Assert.Contains("issuer=O = Example, CN = Second Root", text.StdOut);
    }
}
