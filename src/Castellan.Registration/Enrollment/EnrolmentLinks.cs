using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Castellan.Auditing;
using Castellan.Registration.Contracts;

namespace Castellan.Registration.Enrollment;

/// <summary>
/// The two emailed links of seed 001: the enrolment link (<c>enr_</c>) and the collection link (<c>col_</c>). Each is
/// 256 random bits of which only the SHA-256 is stored (a fast hash suffices for a random secret, as for API keys).
/// </summary>
internal static class EnrolmentLinks
{
    public const string EnrolPrefix = "enr_";
    public const string CollectPrefix = "col_";

    public static string NewToken(string prefix) => prefix + Ids.Secret();

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Malformed tokens are never looked up.</summary>
    public static bool WellFormed(string? token, string prefix) =>
        token is { Length: > 20 and < 100 } && token.StartsWith(prefix, StringComparison.Ordinal) && token.Skip(prefix.Length).All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static Task AuditAsync(IAuditLog audit, RequestOrigin origin, string action, Invitation i, object? extra = null) =>
        audit.AppendAsync(new AuditEvent(origin.Actor, action, $"invitation:{i.Id}", JsonSerializer.Serialize(new
        {
            invitation = i.Id, account = i.AccountId, policy = i.PolicyId, email = i.Email, status = i.Status.ToString().ToLowerInvariant(), details = extra,
        }), origin.Address), CancellationToken.None);
}
