using Castellan.Validation.PublicSuffix;

namespace Castellan.Validation.Tests.PublicSuffix;

/// <summary>The Public Suffix List algorithm on a small list (every rule kind), then on Debian's real file.</summary>
public sealed class PublicSuffixListTests
{
    /// <summary>Debian package "publicsuffix" (tests/setup/install-packages.sh installs it).</summary>
    public const string DebianFile = "/usr/share/publicsuffix/public_suffix_list.dat";

    private static readonly PublicSuffixList Small = PublicSuffixList.Parse(
    [
        "// ===BEGIN ICANN DOMAINS===", "com", "uk", "co.uk", "*.ck", "!www.ck", "公司.cn", "cn", "",
        "// ===BEGIN PRIVATE DOMAINS===", "github.io   // trailing text after whitespace is ignored",
    ]);

    [Theory]
    [InlineData("example.com", "example.com")]
    [InlineData("www.Example.COM.", "example.com")]
    [InlineData("a.b.example.co.uk", "example.co.uk")]
    [InlineData("*.example.co.uk", "example.co.uk")]
    [InlineData("x.github.io", "x.github.io")]
    [InlineData("a.x.github.io", "x.github.io")]
    [InlineData("a.b.ck", "a.b.ck")]
    [InlineData("www.ck", "www.ck")]
    [InlineData("a.www.ck", "www.ck")]
    [InlineData("shop.xn--55qx5d.cn", "shop.xn--55qx5d.cn")]
    [InlineData("shop.公司.cn", "shop.xn--55qx5d.cn")]
    [InlineData("a.example.unlisted", "example.unlisted")]
    public void RegisteredDomain_follows_the_prevailing_rule(string name, string expected) =>
        Assert.Equal(expected, Small.RegisteredDomain(name));

    [Theory]
    [InlineData("co.uk")]
    [InlineData("github.io")]
    [InlineData("b.ck")]
    [InlineData("com")]
    public void RegisteredDomain_of_a_public_suffix_is_null(string name) => Assert.Null(Small.RegisteredDomain(name));

    [Theory]
    [InlineData("a.www.ck", "ck")]
    [InlineData("a.b.ck", "b.ck")]
    [InlineData("foo.bar", "bar")]
    public void PublicSuffix_applies_exceptions_wildcards_and_the_default_rule(string name, string expected) =>
        Assert.Equal(expected, Small.PublicSuffix(name));

    [Theory]
    [InlineData("a.b.example.co.uk", "example.co.uk")]
    [InlineData("c.example.co.uk", "example.co.uk")]
    [InlineData("x.github.io", "x.github.io")]
    [InlineData("y.github.io", "y.github.io")]
    [InlineData("www.city.kawasaki.jp", "city.kawasaki.jp")]
    [InlineData("a.b.kawasaki.jp", "a.b.kawasaki.jp")]
    [InlineData("foo.s3.amazonaws.com", "foo.s3.amazonaws.com")]
    public void The_Debian_list_gives_ICANN_and_private_registered_domains(string name, string expected)
    {
        Assert.True(File.Exists(DebianFile), $"{DebianFile} is missing: install the Debian package publicsuffix");
        var list = PublicSuffixList.Parse(File.ReadLines(DebianFile));
        Assert.True(list.RuleCount > 5000, $"only {list.RuleCount} rules read");
        Assert.Equal(expected, list.RegisteredDomain(name));
    }
}
