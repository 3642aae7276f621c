namespace Castellan.Authority.Tests;

public class SerialNumberTests
{
    [Fact]
    public void NewRandom_is_positive_16_octets_and_unique()
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 10_000; i++)
        {
            var s = SerialNumber.NewRandom();
            var bytes = s.ToBytes();
            Assert.Equal(16, bytes.Length);
            Assert.Equal(0, bytes[0] & 0x80);
            Assert.True(seen.Add(s.Hex), $"serial {s} drawn twice");
        }
    }

    [Theory]
    [InlineData("0A:bc:01", "0abc01")]
    [InlineData("0x00ff", "ff")]
    [InlineData("abc", "0abc")]
    public void TryParse_accepts_common_spellings(string text, string hex)
    {
        Assert.True(SerialNumber.TryParse(text, out var s));
        Assert.Equal(hex, s.Hex);
    }

    [Theory]
    [InlineData("")]
    [InlineData("xyz")]
    [InlineData("12 34 zz")]
    [InlineData("0123456789012345678901234567890123456789abcd")]
    public void TryParse_refuses_garbage(string text) => Assert.False(SerialNumber.TryParse(text, out _));
}
