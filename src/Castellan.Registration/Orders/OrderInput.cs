using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Castellan.Authority.Issuance;
using Castellan.Registration.Contracts;
using Castellan.Registration.Users;

namespace Castellan.Registration.Orders;

/// <summary>The body of POST /orders (seed 003 "Request New Certificate": product, CSR, names, remarks, tags, recipients, save as draft).</summary>
public sealed record PlaceOrderRequest(
    string? AccountId,
    string? GroupId,
    string? ProductId,
    string? Csr,
    IReadOnlyList<string>? Sans,
    string? Subject,
    int? ValidityDays,
    string? Remarks,
    IReadOnlyList<string>? ReportingTags,
    IReadOnlyList<string>? AdditionalRecipients,
    bool SaveAsDraft)
{
    /// <summary>Subscription coverage in years (1 to 3); by default the years the validity spans.</summary>
    public int? CoverageYears { get; init; }

    /// <summary>Values of the account's custom fields, by field name.</summary>
    public IReadOnlyDictionary<string, string?>? CustomFields { get; init; }

    /// <summary>Reporting tags with values (name and value).</summary>
    public IReadOnlyList<ReportingTag>? Tags { get; init; }

    /// <summary>How the order's names prove domain control when they need to (dns-txt by default; docs/flows/orders.md).</summary>
    public string? ValidationMethod { get; init; }

    /// <summary>The account's verified organisation an OV/EV product names in the subject (issue 3 item 8).</summary>
    public string? OrganizationId { get; init; }

    /// <summary>Who the order is for (seed 003 "Requester Details"); both optional, checked like a user's name and mobile.</summary>
    public string? RequesterName { get; init; }

    public string? RequesterMobile { get; init; }

    /// <summary>Set by the RA for a renewal (never read from a request body): which order this one renews.</summary>
    internal string? RenewalOf { get; init; }
}

/// <summary>Checks and normalises order input; everything here is decided before any money moves.</summary>
public static class OrderInput
{
    public const int MaxKeyLength = 200;
    public const int MaxRemarks = 1000;
    public const int MaxTags = 20;
    public const int MaxTagLength = 50;
    public const int MaxRecipients = 10;
    public const int MaxSans = 100;
    public const int MaxCsrLength = 64 * 1024;

    public static CastellanError? Key(string? key)
    {
        if (string.IsNullOrWhiteSpace(key)) return new MalformedInput("an 'Idempotency-Key' header is required, so a retried order is placed once");
        if (key.Length > MaxKeyLength || key.Any(c => c < 0x21 || c > 0x7e)) return new MalformedInput($"the 'Idempotency-Key' must be 1 to {MaxKeyLength} printable ASCII characters");
        return null;
    }

    public static Result<IReadOnlyList<string>> Sans(IReadOnlyList<string>? sans)
    {
        var list = new List<string>();
        foreach (var text in sans ?? [])
        {
            var parsed = SubjectAltName.Parse(text?.Trim() ?? "");
            if (parsed.IsError) return parsed.Error;
            var value = parsed.Value.ToString();
            if (!list.Contains(value, StringComparer.OrdinalIgnoreCase)) list.Add(value);
        }
        if (list.Count > MaxSans) return new PolicyViolation("order.sans", $"an order names at most {MaxSans} subject alternative names");
        return list;
    }

    /// <summary>The CSR parsed and its self-signature verified; a bad CSR is refused before anything is charged.</summary>
    public static Result<ParsedCsr?> Csr(string? csr)
    {
        if (string.IsNullOrWhiteSpace(csr)) return (ParsedCsr?)null;
        if (csr.Length > MaxCsrLength) return new MalformedInput($"the CSR is longer than {MaxCsrLength} characters");
        var parsed = CsrReader.Read(csr);
        return parsed.IsError ? parsed.Error : parsed.Value;
    }

    public static Result<string?> Remarks(string? remarks, string field = "remarks", bool required = false)
    {
        var text = remarks?.Trim();
        if (string.IsNullOrEmpty(text)) return required ? new MalformedInput($"'{field}' is required") : (string?)null;
        if (text.Length > MaxRemarks) return new MalformedInput($"'{field}' is longer than {MaxRemarks} characters");
        if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t')) return new MalformedInput($"'{field}' contains control characters");
        return text;
    }

    public static Result<IReadOnlyList<string>> Tags(IReadOnlyList<string>? tags)
    {
        var list = new List<string>();
        foreach (var tag in tags ?? [])
        {
            var t = tag?.Trim() ?? "";
            if (t.Length is 0 or > MaxTagLength || t.Any(char.IsControl)) return new MalformedInput($"each reporting tag must be 1 to {MaxTagLength} characters");
            if (!list.Contains(t, StringComparer.OrdinalIgnoreCase)) list.Add(t);
        }
        if (list.Count > MaxTags) return new MalformedInput($"an order carries at most {MaxTags} reporting tags");
        return list;
    }

    public static Result<IReadOnlyList<string>> Recipients(IReadOnlyList<string>? recipients)
    {
        var list = new List<string>();
        foreach (var address in recipients ?? [])
        {
            var email = Fields.Email(address);
            if (email.IsError) return new MalformedInput($"additional recipient: {email.Error.Detail}");
            if (!list.Contains(email.Value)) list.Add(email.Value);
        }
        if (list.Count > MaxRecipients) return new MalformedInput($"an order has at most {MaxRecipients} additional recipients");
        return list;
    }

    /// <summary>What identifies a request behind an idempotency key: the caller and every field of the body.</summary>
    public static string Fingerprint(string actor, PlaceOrderRequest r) => Sha256(JsonSerializer.Serialize(new
    {
        actor, r.AccountId, r.GroupId, r.ProductId, csr = r.Csr?.Trim(), r.Sans, r.Subject, r.ValidityDays, r.Remarks, r.ReportingTags, r.AdditionalRecipients, r.SaveAsDraft,
        r.CoverageYears, fields = r.CustomFields?.OrderBy(f => f.Key, StringComparer.Ordinal).ToList(), r.Tags, r.RenewalOf, r.OrganizationId,
        r.RequesterName, r.RequesterMobile,
    }));

    /// <summary>Name/value reporting tags: names like bare tags, values up to 200 characters; one value per name.</summary>
    public static Result<IReadOnlyList<ReportingTag>> NamedTags(IReadOnlyList<ReportingTag>? tags)
    {
        var list = new List<ReportingTag>();
        foreach (var tag in tags ?? [])
        {
            var name = tag?.Name?.Trim() ?? "";
            if (name.Length is 0 or > MaxTagLength || name.Any(char.IsControl)) return new MalformedInput($"each reporting tag name must be 1 to {MaxTagLength} characters");
            var value = string.IsNullOrWhiteSpace(tag!.Value) ? null : tag.Value.Trim();
            if (value is { Length: > 200 } || (value is not null && value.Any(char.IsControl))) return new MalformedInput($"the value of reporting tag '{name}' must be at most 200 characters");
            if (list.Any(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))) return new MalformedInput($"reporting tag '{name}' is given twice");
            list.Add(new ReportingTag(name, value));
        }
        if (list.Count > MaxTags) return new MalformedInput($"an order carries at most {MaxTags} reporting tags");
        return list;
    }

    /// <summary>
    /// The order id follows from (account, idempotency key), so a retry after a timeout reaches the same ledger debit
    /// (keyed by the order id) instead of charging twice. The account id is random, so the id stays unguessable.
    /// </summary>
    public static string OrderId(string accountId, string key) =>
        "ord_" + Ids.Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes($"castellan-order\n{accountId}\n{key}"))[..16]);

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
