using Castellan.Registration.Accounts;

namespace Castellan.Registration.Tests.Accounts;

public class AccountNumbersTests
{
    [Fact]
    public void NewRandom_gives_ten_digits_without_a_leading_zero_and_a_valid_check_digit()
    {
        for (var i = 0; i < 2000; i++)
        {
            var n = AccountNumbers.NewRandom();
            Assert.Equal(10, n.Length);
            Assert.True(n.All(char.IsAsciiDigit), n);
            Assert.NotEqual('0', n[0]);
            Assert.True(AccountNumbers.IsValid(n), n);
        }
    }

    [Fact]
    public void NewRandom_draws_are_spread_over_the_space()
    {
        var draws = Enumerable.Range(0, 1000).Select(_ => AccountNumbers.NewRandom()).ToList();
        // 10^9 equally likely numbers: 1000 draws repeat with probability below 0.1 %, so a few repeats mean a broken generator.
        Assert.True(draws.Distinct().Count() >= 998, $"only {draws.Distinct().Count()} distinct numbers in 1000 draws");
        // Every leading digit 1-9 appears (each has probability 1/9 per draw).
        Assert.Equal(9, draws.Select(d => d[0]).Distinct().Count());
    }

    [Fact]
    public void IsValid_catches_every_single_digit_typo()
    {
        var n = AccountNumbers.NewRandom();
        for (var position = 0; position < n.Length; position++)
        {
            foreach (var digit in "0123456789")
            {
                if (digit == n[position]) continue;
                var typo = n[..position] + digit + n[(position + 1)..];
                Assert.False(AccountNumbers.IsValid(typo), $"{typo} (from {n}) passed the check");
            }
        }
    }

    [Theory]
    [InlineData("7992739875", true)]   // payload 799273987, Luhn check digit 5
    [InlineData("7992739871", false)]  // same payload, wrong check digit
    [InlineData("0000000000", false)]  // leading zero
    [InlineData("123456789", false)]   // nine digits
    [InlineData("12345678901", false)] // eleven digits
    [InlineData("12345a7890", false)]
    [InlineData(null, false)]
    public void IsValid_checks_length_digits_and_leading_zero(string? number, bool expected)
    {
        Assert.Equal(expected, AccountNumbers.IsValid(number));
    }

    [Fact]
    public void LuhnDigit_matches_the_textbook_example_79927398713() => Assert.Equal('3', AccountNumbers.LuhnDigit("7992739871"));
}
