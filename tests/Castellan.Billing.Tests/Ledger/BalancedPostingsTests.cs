using Castellan.Billing.Contracts;

namespace Castellan.Billing.Tests.Ledger;

public class BalancedPostingsTests
{
    private static readonly LedgerAccount Account = LedgerAccount.ForAccount("acme", "USD");
    private static readonly LedgerAccount Group = LedgerAccount.ForGroup("acme", "web", "USD");
    private static readonly LedgerAccount Revenue = LedgerAccount.Revenue("USD");

    [Fact]
    public void Create_accepts_postings_that_sum_to_zero_and_orders_them_by_code()
    {
        var result = BalancedPostings.Create([new Posting(Revenue, 300), new Posting(Account, -100), new Posting(Group, -200)]);
        Assert.False(result.IsError, result.Error?.Detail);
        Assert.Equal("USD", result.Value.Currency);
        Assert.Equal([Revenue.Code, Account.Code, Group.Code], result.Value.Lines.Select(l => l.Account.Code));
        Assert.Equal(0, result.Value.Lines.Sum(l => l.AmountMinor));
    }

    [Fact]
    public void Create_refuses_an_unbalanced_journal()
    {
        var result = BalancedPostings.Create([new Posting(Account, -100), new Posting(Revenue, 99)]);
        Assert.True(result.IsError);
        Assert.Contains("sum to -1", result.Error.Detail);
    }

    [Fact]
    public void Create_refuses_a_single_posting()
    {
        Assert.True(BalancedPostings.Create([new Posting(Account, 0)]).IsError);
    }

    [Fact]
    public void Create_refuses_a_zero_line_even_when_the_rest_balances()
    {
        var result = BalancedPostings.Create([new Posting(Account, -5), new Posting(Revenue, 5), new Posting(Group, 0)]);
        Assert.True(result.IsError);
        Assert.Contains("zero", result.Error.Detail);
    }

    [Fact]
    public void Create_refuses_two_currencies_in_one_journal()
    {
        var result = BalancedPostings.Create([new Posting(Account, -100), new Posting(LedgerAccount.Revenue("INR"), 100)]);
        Assert.True(result.IsError);
        Assert.Contains("mixes", result.Error.Detail);
    }

    [Fact]
    public void Create_refuses_the_same_account_twice()
    {
        var result = BalancedPostings.Create([new Posting(Account, -100), new Posting(Account, 50), new Posting(Revenue, 50)]);
        Assert.True(result.IsError);
        Assert.Contains("twice", result.Error.Detail);
    }

    [Fact]
    public void Create_reports_overflow_as_an_error_not_a_wrapped_sum()
    {
        // long.MaxValue + 1 wraps to long.MinValue, and with -long.MinValue... the unchecked sum could look balanced.
        var result = BalancedPostings.Create([new Posting(Account, long.MaxValue), new Posting(Group, 1), new Posting(Revenue, long.MinValue + 1)]);
        Assert.True(result.IsError);
    }

    [Fact]
    public void Transfer_debits_the_source_and_credits_the_destination()
    {
        var result = BalancedPostings.Transfer(Account, Group, new Money(250, "USD"));
        Assert.False(result.IsError, result.Error?.Detail);
        Assert.Equal(-250, result.Value.Lines.Single(l => l.Account == Account).AmountMinor);
        Assert.Equal(250, result.Value.Lines.Single(l => l.Account == Group).AmountMinor);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Transfer_refuses_a_non_positive_amount(long minor)
    {
        Assert.IsType<MalformedInput>(BalancedPostings.Transfer(Account, Group, new Money(minor, "USD")).Error);
    }

    [Fact]
    public void Transfer_refuses_an_amount_in_another_currency_than_the_accounts()
    {
        Assert.IsType<CurrencyMismatch>(BalancedPostings.Transfer(Account, Group, new Money(1, "EUR")).Error);
    }
}
