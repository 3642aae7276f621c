using System.Net;
using Castellan.Registration.Access;

namespace Castellan.Registration.Tests.Access;

public class NetworkRestrictionsTests
{
    [Theory]
    [InlineData("203.0.113.0/24", "203.0.113.0/24")]
    [InlineData(" 2001:db8::/32 ", "2001:db8::/32")]
    [InlineData("198.51.100.7", "198.51.100.7/32")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7/32")]
    public void Parse_normalises_ranges(string input, string expected) =>
        Assert.Equal([expected], NetworkRestrictions.Parse([input], "allowedNetworks").Value);

    [Theory]
    [InlineData("203.0.113.1/24")]   // host bits set
    [InlineData("203.0.113.0/33")]
    [InlineData("not-an-address")]
    [InlineData("")]
    [InlineData("10.0.0.0/8/8")]
    public void Parse_refuses_bad_ranges_with_the_field_and_index(string bad)
    {
        var result = NetworkRestrictions.Parse(["10.0.0.0/8", bad], "allowedNetworks");
        Assert.True(result.IsError);
        Assert.StartsWith("'allowedNetworks[1]'", result.Error.Detail);
    }

    [Fact]
    public void Parse_refuses_too_many_ranges() =>
        Assert.True(NetworkRestrictions.Parse(Enumerable.Range(0, 101).Select(i => $"10.0.{i}.0/24").ToList(), "allowedNetworks").IsError);

    [Theory]
    [InlineData("203.0.113.9", true)]
    [InlineData("::ffff:203.0.113.9", true)]
    [InlineData("203.0.114.9", false)]
    [InlineData(null, false)]
    public void Contains_checks_membership(string? address, bool expected) =>
        Assert.Equal(expected, NetworkRestrictions.Contains([IPNetwork.Parse("203.0.113.0/24")], address is null ? null : IPAddress.Parse(address)));

    [Fact]
    public void An_empty_list_restricts_nothing() => Assert.True(NetworkRestrictions.Contains([], null));
}
