using Castellan.Validation.Perspectives;

namespace Castellan.Validation.Tests.Perspectives;

public sealed class CorroborationTests
{
    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(1, 0, 1)]
    [InlineData(2, 0, 1)]
    [InlineData(5, 0, 4)]
    [InlineData(6, 0, 4)]
    [InlineData(2, 2, 2)]
    [InlineData(3, 1, 1)]
    public void Required_follows_the_BR_table_unless_configured(int remotes, int configured, int required) =>
        Assert.Equal(required, Corroboration.Required(remotes, configured));

    [Theory]
    [InlineData(true, 1, 2, 0, true)]
    [InlineData(true, 0, 2, 0, false)]
    [InlineData(true, 1, 2, 2, false)]
    [InlineData(true, 2, 2, 2, true)]
    [InlineData(false, 2, 2, 0, false)]
    [InlineData(true, 0, 0, 0, true)]
    public void Met_needs_the_primary_and_the_quorum(bool primary, int agreeing, int remotes, int quorum, bool met) =>
        Assert.Equal(met, Corroboration.Met(primary, agreeing, remotes, quorum));

    [Theory]
    [InlineData("127.0.0.1:5353", "127.0.0.1", 5353)]
    [InlineData("127.0.0.1", "127.0.0.1", 53)]
    [InlineData("[::1]:54", "::1", 54)]
    public void ParseEndpoint_reads_host_and_port(string text, string address, int port)
    {
        var ns = DnsLookup.ParseEndpoint(text);
        Assert.Equal((address, port), (ns.Address, ns.Port));
    }

    [Fact]
    public void ParseEndpoint_refuses_a_name() => Assert.Throws<FormatException>(() => DnsLookup.ParseEndpoint("dns.example:53"));
}
