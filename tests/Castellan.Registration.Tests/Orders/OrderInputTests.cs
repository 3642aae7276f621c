using Castellan.Registration.Orders;

namespace Castellan.Registration.Tests.Orders;

public class OrderInputTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("has space")]
    [InlineData("caf\u00e9")]
    public void Key_refuses_missing_or_non_printable_ASCII_keys(string? key) => Assert.IsType<MalformedInput>(OrderInput.Key(key));

    [Fact]
    public void Key_accepts_a_uuid_and_refuses_one_longer_than_the_limit()
    {
        Assert.Null(OrderInput.Key(Guid.NewGuid().ToString()));
        Assert.IsType<MalformedInput>(OrderInput.Key(new string('k', OrderInput.MaxKeyLength + 1)));
    }

    [Fact]
    public void Sans_are_typed_and_duplicates_collapse_regardless_of_case()
    {
        // An untyped name is read as a DNS name, as the CA core does.
        var sans = OrderInput.Sans(["dns:www.example.com", "WWW.example.com", "ip:192.0.2.1"]);
        Assert.False(sans.IsError, sans.Error?.Detail);
        Assert.Equal(2, sans.Value.Count);
    }

    [Theory]
    [InlineData("dns:")]
    [InlineData("dns:under_score..example")]
    [InlineData("ip:999.1.1.1")]
    public void Sans_refuses_malformed_names(string san) => Assert.True(OrderInput.Sans([san]).IsError);

    [Fact]
    public void Recipients_must_be_email_addresses_and_are_capped()
    {
        Assert.True(OrderInput.Recipients(["not-an-address"]).IsError);
        Assert.False(OrderInput.Recipients(["a@example.com", "b@example.com"]).IsError);
        Assert.True(OrderInput.Recipients(Enumerable.Range(0, OrderInput.MaxRecipients + 1).Select(i => $"u{i}@example.com").ToList()).IsError);
    }

    [Fact]
    public void Tags_and_remarks_are_bounded()
    {
        Assert.True(OrderInput.Tags([new string('t', OrderInput.MaxTagLength + 1)]).IsError);
        Assert.True(OrderInput.Tags(Enumerable.Range(0, OrderInput.MaxTags + 1).Select(i => $"t{i}").ToList()).IsError);
        Assert.True(OrderInput.Remarks(new string('r', OrderInput.MaxRemarks + 1)).IsError);
        Assert.True(OrderInput.Remarks("bell\a").IsError);
        Assert.True(OrderInput.Remarks(" ", "reason", required: true).IsError);
        Assert.Equal("line one\nline two", OrderInput.Remarks("  line one\nline two ").Value);
    }

    [Fact]
    public void A_CSR_that_is_not_PKCS10_is_refused_and_an_absent_one_is_allowed()
    {
        Assert.True(OrderInput.Csr("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----").IsError);
        var absent = OrderInput.Csr(null);
        Assert.False(absent.IsError);
        Assert.Null(absent.Value);
    }

    [Fact]
    public void The_order_id_follows_from_account_and_key_and_the_fingerprint_from_caller_and_body()
    {
        Assert.Equal(OrderInput.OrderId("acc_1", "k"), OrderInput.OrderId("acc_1", "k"));
        Assert.NotEqual(OrderInput.OrderId("acc_1", "k"), OrderInput.OrderId("acc_2", "k"));
        var body = new PlaceOrderRequest("acc_1", null, "prd", null, ["dns:a.example"], null, 90, null, null, null, false);
        Assert.Equal(OrderInput.Fingerprint("user:1", body), OrderInput.Fingerprint("user:1", body with { Sans = ["dns:a.example"] }));
        Assert.NotEqual(OrderInput.Fingerprint("user:1", body), OrderInput.Fingerprint("user:2", body));
        Assert.NotEqual(OrderInput.Fingerprint("user:1", body), OrderInput.Fingerprint("user:1", body with { ValidityDays = 91 }));
    }
}
