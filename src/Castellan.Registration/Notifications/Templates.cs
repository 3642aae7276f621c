using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Castellan.Registration.Contracts;

namespace Castellan.Registration.Notifications;

/// <summary>The text of one email after its placeholders were filled.</summary>
public sealed record RenderedMessage(string Subject, string Text, string Html);

/// <summary>
/// Built-in templates per <see cref="NotificationEvent"/> and the placeholders each may use (<c>{{name}}</c>). An
/// account's override is checked against the same list when saved, so a typo is refused at once instead of being
/// mailed literally; a template that must carry a link (activation, invitation) is refused without it.
/// Values are HTML-encoded in the HTML part; the text part is sent as is.
/// </summary>
public static partial class Templates
{
    public sealed record Spec(string Subject, string Text, IReadOnlyList<string> Placeholders, IReadOnlyList<string> Required);

    private static readonly string[] Common = ["name", "accountName", "accountNumber", "portalUrl"];

    public static readonly IReadOnlyDictionary<NotificationEvent, Spec> BuiltIn = new Dictionary<NotificationEvent, Spec>
    {
        [NotificationEvent.Activation] = new("{{subject}}",
            "Hello {{name}},\n\n{{intro}}\n\nSet your password here (the link works once, until {{expiresAt}}):\n{{activationLink}}\n",
            [.. Common, "subject", "intro", "activationLink", "expiresAt"], ["activationLink"]),
        [NotificationEvent.Invitation] = new("{{subject}}",
            "Hello {{name}},\n\n{{intro}}\n\nSet your password here (the link works once, until {{expiresAt}}):\n{{activationLink}}\n",
            [.. Common, "subject", "intro", "activationLink", "expiresAt"], ["activationLink"]),
        [NotificationEvent.OrderConfirmation] = new("Order {{orderId}} received",
            "Hello {{name}},\n\nWe received order {{orderId}} for {{product}} ({{price}}). Its status is: {{status}}.\n\nFollow it here: {{trackingLink}}\n",
            [.. Common, "orderId", "product", "price", "status", "trackingLink"], []),
        [NotificationEvent.ApprovalNeeded] = new("Order {{orderId}} needs your approval",
            "Hello {{name}},\n\nOrder {{orderId}} for {{product}} placed by {{placedBy}} waits for approval.\n\nReview it here: {{orderLink}}\n",
            [.. Common, "orderId", "product", "placedBy", "orderLink"], []),
        [NotificationEvent.OrderApproved] = new("Order {{orderId}} approved",
            "Hello {{name}},\n\nOrder {{orderId}} for {{product}} was approved.\n\n{{orderLink}}\n",
            [.. Common, "orderId", "product", "orderLink"], []),
        [NotificationEvent.OrderRejected] = new("Order {{orderId}} rejected",
            "Hello {{name}},\n\nOrder {{orderId}} for {{product}} was rejected: {{reason}}\n\n{{orderLink}}\n",
            [.. Common, "orderId", "product", "reason", "orderLink"], []),
        [NotificationEvent.CertificateReady] = new("Your certificate for order {{orderId}} is ready",
            "Hello {{name}},\n\nThe certificate of order {{orderId}} (serial {{serial}}) was issued.\n\nDownload it here: {{orderLink}}\n",
            [.. Common, "orderId", "serial", "orderLink"], []),
        [NotificationEvent.CertificateRevoked] = new("Certificate {{serial}} revoked",
            "Hello {{name}},\n\nThe certificate {{serial}} of order {{orderId}} was revoked ({{reason}}).\n",
            [.. Common, "orderId", "serial", "reason"], []),
        [NotificationEvent.RenewalReminder] = new("Certificate {{serial}} {{when}}",
            "Hello {{name}},\n\nThe certificate {{serial}} of order {{orderId}} expires at {{expiresAt}} ({{when}}).\n\nRenew it here: {{orderLink}}\n",
            [.. Common, "orderId", "serial", "expiresAt", "when", "days", "orderLink"], []),
        [NotificationEvent.LowBalance] = new("Low balance on {{accountName}}",
            "Hello {{name}},\n\nThe balance of {{accountName}} (account {{accountNumber}}) is {{balance}}, below {{threshold}}. Top it up to keep ordering.\n",
            [.. Common, "balance", "threshold"], []),
        // Seed 001: the enrolment link, the activation (collection) link and a rejection, each to the invited address.
        [NotificationEvent.EnrolmentInvitation] = new("Apply for your {{policy}} certificate",
            "Hello {{name}},\n\nYou are invited to apply for a {{policy}} certificate. Complete the enrolment form here (the link works once, until {{expiresAt}}):\n{{enrolLink}}\n",
            [.. Common, "policy", "enrolLink", "expiresAt"], ["enrolLink"]),
        [NotificationEvent.EnrolmentApproved] = new("Your {{policy}} certificate is approved",
            "Hello {{name}},\n\nYour application for a {{policy}} certificate was approved. Collect your certificate here (until {{expiresAt}}), in the same browser you applied with:\n{{collectLink}}\n",
            [.. Common, "policy", "collectLink", "expiresAt"], ["collectLink"]),
        [NotificationEvent.EnrolmentRejected] = new("Your {{policy}} certificate application was rejected",
            "Hello {{name}},\n\nYour application for a {{policy}} certificate was rejected: {{reason}}\n",
            [.. Common, "policy", "reason"], []),
    };

    public const int MaxSubject = 200;
    public const int MaxBody = 20_000;

    /// <summary>Checks an account's override: lengths, balanced braces, known placeholders, required ones present.</summary>
    public static CastellanError? Check(NotificationEvent e, string? subject, string? text, string? html)
    {
        var spec = BuiltIn[e];
        if (string.IsNullOrWhiteSpace(subject)) return new MalformedInput("'subject' is required");
        if (subject.Length > MaxSubject || subject.Any(char.IsControl)) return new MalformedInput($"'subject' must be one line of at most {MaxSubject} characters");
        if (string.IsNullOrWhiteSpace(text)) return new MalformedInput("'text' is required");
        foreach (var (field, value) in new[] { ("subject", subject), ("text", text), ("html", html) })
        {
            if (value is null) continue;
            if (value.Length > MaxBody) return new MalformedInput($"'{field}' may have at most {MaxBody} characters");
            var stripped = Placeholder().Replace(value, "");
            if (stripped.Contains("{{", StringComparison.Ordinal) || stripped.Contains("}}", StringComparison.Ordinal))
                return new MalformedInput($"'{field}' has an unclosed or malformed placeholder; write {{{{name}}}} with letters only");
            foreach (Match m in Placeholder().Matches(value))
            {
                if (!spec.Placeholders.Contains(m.Groups[1].Value))
                    return new MalformedInput($"'{field}' uses the unknown placeholder '{{{{{m.Groups[1].Value}}}}}'; this event knows {string.Join(", ", spec.Placeholders)}");
            }
        }
        foreach (var required in spec.Required)
        {
            var token = "{{" + required + "}}";
            if (!text.Contains(token, StringComparison.Ordinal) || (html is not null && !html.Contains(token, StringComparison.Ordinal)))
                return new MalformedInput($"'text' (and 'html', when given) must contain {token}");
        }
        return null;
    }

    /// <summary>Fills the placeholders; an unknown or missing value renders empty (templates were checked when saved).</summary>
    public static RenderedMessage Render(string subject, string text, string? html, IReadOnlyDictionary<string, string> values)
    {
        string Fill(string template, bool encode) => Placeholder().Replace(template, m =>
        {
            var v = values.TryGetValue(m.Groups[1].Value, out var s) ? s : "";
            return encode ? WebUtility.HtmlEncode(v) : v;
        });
        var renderedText = Fill(text, false);
        var renderedHtml = html is null ? TextToHtml(renderedText) : Fill(html, true);
        return new RenderedMessage(Fill(subject, false).ReplaceLineEndings(" "), renderedText, renderedHtml);
    }

    private static string TextToHtml(string text)
    {
        var sb = new StringBuilder("<!doctype html><html><body><p>");
        sb.Append(WebUtility.HtmlEncode(text).Replace("\n\n", "</p><p>", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal));
        sb.Append("</p></body></html>");
        return sb.ToString();
    }

    public static string Code(NotificationEvent e) => string.Concat(e.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public static NotificationEvent? Parse(string? code) => Enum.GetValues<NotificationEvent>().Cast<NotificationEvent?>().FirstOrDefault(e => Code(e!.Value) == code);

    [GeneratedRegex(@"\{\{([A-Za-z]+)\}\}")]
    private static partial Regex Placeholder();
}
