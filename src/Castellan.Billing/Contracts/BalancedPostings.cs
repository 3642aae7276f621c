namespace Castellan.Billing.Contracts;

/// <summary>
/// The postings of one journal, checked for double entry: at least two lines, one currency that matches every ledger
/// account, no zero line, each ledger account at most once, and a sum of exactly zero. Only this type can be handed to
/// <see cref="ILedgerStore"/>, so an unbalanced journal cannot reach storage.
/// </summary>
public sealed class BalancedPostings
{
    private BalancedPostings(string currency, IReadOnlyList<Posting> lines)
    {
        Currency = currency;
        Lines = lines;
    }

    public string Currency { get; }

    /// <summary>The lines in ledger-account code order: the store takes row locks in this order, so two journals
    /// touching the same accounts cannot deadlock on PostgreSQL.</summary>
    public IReadOnlyList<Posting> Lines { get; }

    public static Result<BalancedPostings> Create(IEnumerable<Posting> postings)
    {
        var lines = postings.OrderBy(p => p.Account.Code, StringComparer.Ordinal).ToList();
        if (lines.Count < 2) return new PolicyViolation("double-entry", "a journal needs at least two postings");
        var currency = lines[0].Account.Currency;
        long sum = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Account.Currency != currency)
                return new PolicyViolation("double-entry", $"one journal mixes {currency} and {line.Account.Currency}");
            if (line.AmountMinor == 0) return new PolicyViolation("double-entry", $"the posting to {line.Account.Code} is zero");
            if (i > 0 && lines[i - 1].Account.Code == line.Account.Code)
                return new PolicyViolation("double-entry", $"{line.Account.Code} appears twice in one journal");
            try
            {
                sum = checked(sum + line.AmountMinor);
            }
            catch (OverflowException)
            {
                return new PolicyViolation("double-entry", "the postings overflow a 64-bit amount");
            }
        }
        if (sum != 0) return new PolicyViolation("double-entry", $"the postings sum to {sum}, not zero");
        return new BalancedPostings(currency, lines);
    }

    /// <summary>A transfer of a positive amount: <paramref name="from"/> is debited, <paramref name="to"/> credited.</summary>
    public static Result<BalancedPostings> Transfer(LedgerAccount from, LedgerAccount to, Money amount)
    {
        if (!amount.IsPositive) return new MalformedInput("the amount must be a positive number of minor units");
        if (from.Currency != amount.Currency || to.Currency != amount.Currency)
            return new CurrencyMismatch(from.Currency == amount.Currency ? to.Currency : from.Currency, amount.Currency);
        return Create([new Posting(from, -amount.Minor), new Posting(to, amount.Minor)]);
    }
}
