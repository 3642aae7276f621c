using Castellan.Authority.Contracts;
using Castellan.Authority.Issuance;

namespace Castellan.Authority.Tests.Issuance;

public class SubjectAltNameTests
{
    [Theory]
    [InlineData("dns:WWW.Example.COM.", SanType.Dns, "www.example.com")]
    [InlineData("www.example.com", SanType.Dns, "www.example.com")]
    [InlineData("*.example.com", SanType.Dns, "*.example.com")]
    [InlineData("bücher.example", SanType.Dns, "xn--bcher-kva.example")]
    [InlineData("ip:192.0.2.1", SanType.Ip, "192.0.2.1")]
    [InlineData("192.0.2.1", SanType.Ip, "192.0.2.1")]
    [InlineData("2001:DB8::0:1", SanType.Ip, "2001:db8::1")]
    [InlineData("email:Alice@Example.COM", SanType.Email, "Alice@example.com")]
    [InlineData("alice@example.com", SanType.Email, "alice@example.com")]
    [InlineData("uri:spiffe://example.com/svc", SanType.Uri, "spiffe://example.com/svc")]
    [InlineData("https://example.com/x", SanType.Uri, "https://example.com/x")]
    [InlineData("  DNS:example.com  ", SanType.Dns, "example.com")]
    public void Parse_types_and_normalises(string text, SanType type, string value)
    {
        var parsed = SubjectAltName.Parse(text);
        Assert.False(parsed.IsError, parsed.Error?.Detail);
        Assert.Equal(new SubjectAltName(type, value), parsed.Value);
        Assert.Equal($"{type.ToString().ToLowerInvariant()}:{value}", parsed.Value.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("dns:")]
    [InlineData("dns:exa mple.com")]
    [InlineData("dns:-bad.example.com")]
    [InlineData("dns:bad-.example.com")]
    [InlineData("dns:www.*.example.com")]
    [InlineData("dns:*")]
    [InlineData("dns:a..example.com")]
    [InlineData("dns:under_score.example.com")]
    [InlineData("ip:300.1.1.1")]
    [InlineData("ip:fe80::1%eth0")]
    [InlineData("ip:example.com")]
    [InlineData("email:not-an-address")]
    [InlineData("email:a@b@example.com")]
    [InlineData("email:alice@*.example.com")]
    [InlineData("email:Alice <alice@example.com>")]
    [InlineData("uri:relative/path")]
    public void Parse_refuses_malformed_names(string text)
    {
        var parsed = SubjectAltName.Parse(text);
        Assert.True(parsed.IsError, $"'{text}' parsed as {(parsed.IsError ? "" : parsed.Value.ToString())}");
        Assert.IsType<MalformedInput>(parsed.Error);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Error.Detail));
    }

    [Fact]
    public void Parse_refuses_names_longer_than_512_characters()
    {
        var parsed = SubjectAltName.Parse("dns:" + string.Join('.', Enumerable.Repeat(new string('a', 60), 9)));
        Assert.True(parsed.IsError);
        Assert.Contains("512", parsed.Error.Detail, StringComparison.Ordinal);
    }
}

public class DnsNamesTests
{
    [Theory]
    [InlineData("example.com")]
    [InlineData("a.b.c.d.example.com")]
    [InlineData("*.example.com")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("1-2-3.example.com")]
    [InlineData("localhost")]
    public void IsWellFormed_accepts_preferred_syntax(string name) => Assert.True(DnsNames.IsWellFormed(name, out var why), why);

    [Theory]
    [InlineData("", "empty label")]
    [InlineData("example..com", "empty label")]
    [InlineData("*", "wildcard")]
    [InlineData("*.*.example.com", "wildcard")]
    [InlineData("w*w.example.com", "wildcard")]
    [InlineData("-a.example.com", "hyphen")]
    [InlineData("a-.example.com", "hyphen")]
    [InlineData("a_b.example.com", "'_'")]
    [InlineData("a b.example.com", "' '")]
    public void IsWellFormed_refuses_and_says_why(string name, string why)
    {
        Assert.False(DnsNames.IsWellFormed(name, out var reason));
        Assert.Contains(why, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void IsWellFormed_enforces_label_and_name_lengths()
    {
        Assert.True(DnsNames.IsWellFormed(new string('a', 63) + ".example.com", out _));
        Assert.False(DnsNames.IsWellFormed(new string('a', 64) + ".example.com", out var label));
        Assert.Contains("63", label, StringComparison.Ordinal);
        var longName = string.Join('.', Enumerable.Repeat(new string('a', 50), 5)) + ".com"; // 258 characters
        Assert.False(DnsNames.IsWellFormed(longName, out var total));
        Assert.Contains("253", total, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*.example.com", true)]
    [InlineData("www.example.com", false)]
    [InlineData("*example.com", false)]
    public void IsWildcard_is_only_a_leftmost_star_label(string name, bool wildcard) => Assert.Equal(wildcard, DnsNames.IsWildcard(name));
}
