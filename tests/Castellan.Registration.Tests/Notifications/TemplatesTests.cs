using Castellan.Registration.Contracts;
using Castellan.Registration.Notifications;

namespace Castellan.Registration.Tests.Notifications;

public class TemplatesTests
{
    [Theory]
    [InlineData("Hi {{nmae}}", "unknown placeholder '{{nmae}}'")]
    [InlineData("Hi {{name}", "unclosed or malformed")]
    [InlineData("Hi {{ name }}", "unclosed or malformed")]
    [InlineData("Order {{orderId}} {{activationLink}}", "unknown placeholder '{{activationLink}}'")]
    public void Check_refuses_bad_placeholders_naming_the_field(string text, string expected)
    {
        var error = Templates.Check(NotificationEvent.OrderConfirmation, "Order {{orderId}}", text, null);
        Assert.IsType<MalformedInput>(error);
        Assert.Contains(expected, error!.Detail);
        Assert.Contains("'text'", error.Detail);
    }

    [Fact]
    public void Check_refuses_an_activation_template_without_its_link() =>
        Assert.Contains("{{activationLink}}", Templates.Check(NotificationEvent.Activation, "Welcome", "Hello {{name}}", null)!.Detail);

    [Fact]
    public void Check_accepts_every_built_in_template()
    {
        foreach (var (e, spec) in Templates.BuiltIn) Assert.Null(Templates.Check(e, spec.Subject, spec.Text, null));
    }

    [Fact]
    public void Render_encodes_values_in_html_but_not_in_text()
    {
        var r = Templates.Render("Order {{orderId}}", "By {{name}}", "<b>{{name}}</b>", new Dictionary<string, string> { ["orderId"] = "o1", ["name"] = "<script>" });
        Assert.Equal("Order o1", r.Subject);
        Assert.Equal("By <script>", r.Text);
        Assert.Equal("<b>&lt;script&gt;</b>", r.Html);
    }

    [Fact]
    public void Render_without_html_derives_an_escaped_html_part()
    {
        var r = Templates.Render("s", "a & b\n\nc", null, new Dictionary<string, string>());
        Assert.Contains("a &amp; b</p><p>c", r.Html);
    }

    [Theory]
    [InlineData(NotificationEvent.OrderConfirmation, "order-confirmation")]
    [InlineData(NotificationEvent.LowBalance, "low-balance")]
    [InlineData(NotificationEvent.Activation, "activation")]
    public void Codes_round_trip(NotificationEvent e, string code)
    {
        Assert.Equal(code, Templates.Code(e));
        Assert.Equal(e, Templates.Parse(code));
    }

    [Theory]
    [InlineData(40, 7)] // 40 days left: not even the 30-day reminder is due
    public void Due_is_null_before_the_first_interval(int daysLeft, int unused)
    {
        var now = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        Assert.Null(RenewalReminders.Due([30, 7, 1, -1], now.AddDays(daysLeft), now));
        Assert.Equal(7, unused);
    }

    [Theory]
    [InlineData(29, 30)]
    [InlineData(6.5, 7)]
    [InlineData(0.5, 1)]
    [InlineData(-2, -1)]
    public void Due_is_the_latest_interval_whose_moment_has_come(double daysLeft, int expected)
    {
        var now = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
        Assert.Equal(expected, RenewalReminders.Due([30, 7, 1, -1], now.AddDays(daysLeft), now));
    }

    [Fact]
    public void Smtp_backoff_doubles_and_is_capped()
    {
        var o = new SmtpOptions { RetryDelay = TimeSpan.FromSeconds(30), MaxRetryDelay = TimeSpan.FromMinutes(5) };
        Assert.Equal(TimeSpan.FromSeconds(30), o.DelayAfter(1));
        Assert.Equal(TimeSpan.FromSeconds(60), o.DelayAfter(2));
        Assert.Equal(TimeSpan.FromSeconds(240), o.DelayAfter(4));
        Assert.Equal(TimeSpan.FromMinutes(5), o.DelayAfter(30));
    }
}
