using System.Net;
using Castellan.Server.Api.Network;

namespace Castellan.IntegrationTests.Registration;

public class ClientAddressTests
{
    private static ClientAddress Trusting(params string[] proxies) => new(new NetworkOptions { TrustedProxies = [.. proxies] });

    [Theory]
    [InlineData("203.0.113.5", "198.51.100.1", "203.0.113.5")]             // not a trusted proxy: the header is ignored
    [InlineData("10.0.0.2", "198.51.100.1", "198.51.100.1")]               // trusted proxy: its client
    [InlineData("10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1")]      // a forged left entry does not win
    [InlineData("10.0.0.2", "198.51.100.1, 10.0.0.9", "198.51.100.1")]     // a chain of trusted proxies is skipped
    [InlineData("10.0.0.2", "10.0.0.3, 10.0.0.9", "10.0.0.3")]             // all trusted: the leftmost
    [InlineData("10.0.0.2", "garbage, 198.51.100.1", "198.51.100.1")]
    [InlineData("10.0.0.2", "198.51.100.1, garbage", "10.0.0.2")]          // a mangled header: the last address vouched for
    [InlineData("10.0.0.2", "", "10.0.0.2")]
    [InlineData("::ffff:10.0.0.2", "2001:db8::1", "2001:db8::1")]          // IPv4-mapped proxy address
    public void Resolve_believes_forwarded_addresses_only_from_trusted_proxies(string remote, string forwarded, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), Trusting("10.0.0.0/8").Resolve(IPAddress.Parse(remote), forwarded));

    [Fact]
    public void A_misconfigured_proxy_entry_stops_start_up() =>
        Assert.Throws<InvalidOperationException>(() => Trusting("not-an-address"));
}
