using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Castellan.Billing.Ledger;

/// <summary>
/// Identifies a request behind an idempotency key: the same key with the same fingerprint is a retry and gets the
/// first answer; the same key with another fingerprint is a client bug and is refused.
/// </summary>
public static class Fingerprint
{
    public static string Of(params object?[] fields)
    {
        // Length-prefixed, so ("ab","c") and ("a","bc") differ; null is "~", which no length prefix starts with.
        var sb = new StringBuilder(128);
        foreach (var f in fields)
        {
            if (f is null)
            {
                sb.Append("~;");
                continue;
            }
            var text = Convert.ToString(f, CultureInfo.InvariantCulture) ?? "";
            sb.Append(text.Length).Append(':').Append(text).Append(';');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}
