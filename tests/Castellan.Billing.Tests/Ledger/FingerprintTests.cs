using Castellan.Billing.Ledger;

namespace Castellan.Billing.Tests.Ledger;

public class FingerprintTests
{
    [Fact]
    public void The_same_fields_give_the_same_fingerprint()
    {
        Assert.Equal(Fingerprint.Of("acme", 100L, "USD"), Fingerprint.Of("acme", 100L, "USD"));
    }

    [Fact]
    public void Shifting_characters_between_fields_changes_the_fingerprint()
    {
        Assert.NotEqual(Fingerprint.Of("ab", "c"), Fingerprint.Of("a", "bc"));
        Assert.NotEqual(Fingerprint.Of("acme", null), Fingerprint.Of("acme", ""));
        Assert.NotEqual(Fingerprint.Of("acme", 100L), Fingerprint.Of("acme", 101L));
    }
}
